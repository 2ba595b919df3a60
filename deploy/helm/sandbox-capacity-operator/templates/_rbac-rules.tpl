{{/*
Rules for SandboxCapacity objects and their Events: in the ClusterRole when all namespaces are
watched, else in a Role per watched namespace.
*/}}
{{- define "sco.namespacedRules" -}}
# get/list/watch: the informer that drives reconciles. patch: only metadata.finalizers — the
# operator adds capacity.sandbox.dev/in-flight-requests before its first request and removes it on
# deletion once no request is in flight (a merge patch carrying the resourceVersion). Users (or
# Argo CD) own spec and the rest of metadata; no create, update or delete.
- apiGroups: [capacity.sandbox.dev]
  resources: [sandboxcapacities]
  verbs: [get, list, watch, patch]
# get/update/patch on status only: the intent is written before every ScaleOutCluster call and the
# task id right after it, with optimistic concurrency (update) or merge patches.
# No sandboxcapacities/scale: that subresource is for users, HPA and KEDA; the operator reads
# spec.replicas from the object it already watches.
- apiGroups: [capacity.sandbox.dev]
  resources: [sandboxcapacities/status]
  verbs: [get, update, patch]
# create/patch: Events on SandboxCapacity objects (ScaleOutRequested, ScaleOutFailed, ...); patch
# bumps the count of a repeated Event. No get/list: the recorder deduplicates in memory.
- apiGroups: [""]
  resources: [events]
  verbs: [create, patch]
{{- end }}

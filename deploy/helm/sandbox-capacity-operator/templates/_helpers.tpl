{{/* Short name of the chart, overridable. */}}
{{- define "sco.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Full name of the release's objects: release name, plus the chart name unless it already contains it. */}}
{{- define "sco.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "sco.selectorLabels" -}}
app.kubernetes.io/name: {{ include "sco.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "sco.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "sco.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: sandbox-capacity-operator
{{- end }}

{{- define "sco.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "sco.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "sco.image" -}}
{{- if .Values.image.digest }}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}
{{- end }}

{{/* Name of the Service that exposes /metrics; also the Prometheus "job" label of the scraped series. */}}
{{- define "sco.metricsServiceName" -}}
{{- printf "%s-metrics" (include "sco.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Rules between values that a JSON schema cannot explain well. Each message names the values
involved and how to fix them; rendering stops at the first one.
*/}}
{{- define "sco.validate" -}}
{{- $v := .Values }}
{{- if and (gt (int $v.replicaCount) 1) (not $v.leaderElection.enabled) }}
{{- fail (printf "replicaCount is %d but leaderElection.enabled is false: several replicas without leader election would all call ScaleOutCluster. Set leaderElection.enabled=true or replicaCount=1." (int $v.replicaCount)) }}
{{- end }}
{{- if and $v.credentials.existingSecret $v.credentials.rrsa.enabled }}
{{- fail "credentials.existingSecret and credentials.rrsa.enabled are both set: the AccessKey in the Secret would silently win over RRSA. Choose one." }}
{{- end }}
{{- $rrsa := $v.credentials.rrsa }}
{{- if and $rrsa.enabled (not $rrsa.roleName) (not $rrsa.projectedToken.enabled) }}
{{- fail "credentials.rrsa.enabled needs credentials.rrsa.roleName (ACK ack-pod-identity-webhook) or credentials.rrsa.projectedToken.enabled=true with roleArn and oidcProviderArn." }}
{{- end }}
{{- if and $rrsa.enabled $rrsa.roleName $rrsa.projectedToken.enabled }}
{{- fail "credentials.rrsa.roleName (the webhook injects the token) and credentials.rrsa.projectedToken.enabled (the chart mounts it) are both set: choose one." }}
{{- end }}
{{- if and $rrsa.enabled $rrsa.projectedToken.enabled (or (not $rrsa.projectedToken.roleArn) (not $rrsa.projectedToken.oidcProviderArn)) }}
{{- fail "credentials.rrsa.projectedToken.enabled needs credentials.rrsa.projectedToken.roleArn and credentials.rrsa.projectedToken.oidcProviderArn." }}
{{- end }}
{{- if and $rrsa.roleName (not $v.serviceAccount.create) }}
{{- fail "credentials.rrsa.roleName annotates the ServiceAccount, but serviceAccount.create is false: annotate your ServiceAccount with pod-identity.alibabacloud.com/role-name yourself and leave roleName empty." }}
{{- end }}
{{- if and (not $v.serviceAccount.create) (not $v.serviceAccount.name) }}
{{- fail "serviceAccount.create is false: set serviceAccount.name to the existing ServiceAccount the operator runs as." }}
{{- end }}
{{- if and $v.rbac.clusterWideSecretAccess $v.rbac.secretNamespaces }}
{{- fail "rbac.clusterWideSecretAccess already grants get on Secrets in every namespace: leave rbac.secretNamespaces empty, or turn clusterWideSecretAccess off." }}
{{- end }}
{{- if $v.watchNamespaces }}
{{- range $v.rbac.secretNamespaces }}
{{- if not (has . $v.watchNamespaces) }}
{{- fail (printf "rbac.secretNamespaces lists %q, which is not in watchNamespaces %v: the operator never reads Secrets of namespaces it does not watch." . $v.watchNamespaces) }}
{{- end }}
{{- end }}
{{- end }}
{{- end }}

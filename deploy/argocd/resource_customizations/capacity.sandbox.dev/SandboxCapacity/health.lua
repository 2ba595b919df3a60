-- Argo CD health check for capacity.sandbox.dev/SandboxCapacity.
-- Argo CD's Lua sandbox loads only the base, table and a safe os library: this script uses base
-- functions alone (no string library, no string methods). It relies on condition types and
-- statuses, observedGeneration, spec.paused and status.inFlightReplicas, never on reason strings.
--   Progressing  status missing or older than the spec, nodes in flight, or Reconciling=True
--   Degraded     Stalled=True (needs a human: bad spec, missing Secret, quota, permissions)
--   Suspended    spec.paused (observes and reports, never calls the cloud)
--   Healthy      Ready=True
--   Progressing  anything else (e.g. waiting for requested nodes to become Ready)
local hs = {}

local function findCondition(status, conditionType)
  if status.conditions == nil then
    return nil
  end
  for _, condition in ipairs(status.conditions) do
    if condition.type == conditionType then
      return condition
    end
  end
  return nil
end

local function isTrue(condition)
  return condition ~= nil and condition.status == "True"
end

local function messageOf(condition, fallback)
  if condition ~= nil and condition.message ~= nil and condition.message ~= "" then
    return condition.message
  end
  return fallback
end

local function joined(first, second)
  if second == nil or second == "" then
    return first
  end
  return first .. " " .. second
end

local function result(status, message)
  hs.status = status
  hs.message = message
  return hs
end

local function evaluate()
  local status = obj.status
  if status == nil then
    return result("Progressing", "Waiting for the operator to report status")
  end
  local generation = obj.metadata and obj.metadata.generation
  local observed = status.observedGeneration
  if generation ~= nil and (observed == nil or observed < generation) then
    return result("Progressing", "Waiting for the operator to observe generation " .. tostring(generation) ..
      " (status reflects " .. tostring(observed or "none") .. ")")
  end

  local ready = findCondition(status, "Ready")
  local stalled = findCondition(status, "Stalled")
  local reconciling = findCondition(status, "Reconciling")
  if isTrue(stalled) then
    return result("Degraded", messageOf(stalled, "Stalled: the operator cannot make progress without a change"))
  end
  if obj.spec ~= nil and obj.spec.paused == true then
    return result("Suspended", joined("Paused (spec.paused): observing and reporting only.", messageOf(ready, "")))
  end
  local inFlight = status.inFlightReplicas or 0
  if inFlight > 0 then
    return result("Progressing", joined(tostring(inFlight) .. " node(s) requested and not joined yet.", messageOf(ready, "")))
  end
  if isTrue(reconciling) then
    return result("Progressing", messageOf(reconciling, messageOf(ready, "Reconciling")))
  end
  if isTrue(ready) then
    return result("Healthy", messageOf(ready, "Ready"))
  end
  return result("Progressing", messageOf(ready, "Waiting for the Ready condition"))
end

return evaluate()

{{/* Names: <release>-hoard, or the release name alone when it already contains "hoard". At most 63 characters. */}}
{{- define "hoard.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "hoard.routerName" -}}
{{- printf "%s-router" (include "hoard.fullname" .) | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* The labels that select a component's pods; fixed for the life of a release (selectors are immutable). */}}
{{- define "hoard.selectorLabels" -}}
app.kubernetes.io/name: {{ .context.Chart.Name }}
app.kubernetes.io/instance: {{ .context.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "hoard.labels" -}}
{{ include "hoard.selectorLabels" . }}
app.kubernetes.io/version: {{ .context.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .context.Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .context.Chart.Name .context.Chart.Version }}
{{- end -}}

{{/* The headless Service's DNS name: every ready server pod's address. */}}
{{- define "hoard.serviceHost" -}}
{{- printf "%s.%s.svc.%s" (include "hoard.fullname" .) .Release.Namespace .Values.clusterDomain -}}
{{- end -}}

{{/* resources.limits.memory in MiB; the schema allows only Mi and Gi. */}}
{{- define "hoard.memoryLimitMiB" -}}
{{- $limit := toString .Values.server.resources.limits.memory -}}
{{- if hasSuffix "Gi" $limit -}}
{{- mul (trimSuffix "Gi" $limit | int) 1024 -}}
{{- else if hasSuffix "Mi" $limit -}}
{{- trimSuffix "Mi" $limit | int -}}
{{- else -}}
{{- fail (printf "server.resources.limits.memory %q must be a whole number of Mi or Gi, like 1Gi" $limit) -}}
{{- end -}}
{{- end -}}

{{/*
Item memory (-m) in MiB. A hoard process holds -m of items plus ~40 MiB of .NET runtime, ~15 MiB of
connection buffers and a cache of freed large blocks of clamp(-m / 8, 16, 64) MiB (docs/benchmarks.md,
"Memory bound"). So -m = limit - 64 - clamp(limit / 8, 16, 64): the block cache is reckoned on the limit,
which only makes the head-room larger.
*/}}
{{- define "hoard.cacheMemoryMB" -}}
{{- if gt (int .Values.server.cacheMemoryMB) 0 -}}
{{- .Values.server.cacheMemoryMB | int -}}
{{- else -}}
{{- $limit := include "hoard.memoryLimitMiB" . | int -}}
{{- $blockCache := min 64 (max 16 (div $limit 8)) -}}
{{- $memory := sub $limit (add 64 $blockCache) -}}
{{- if lt $memory 16 -}}
{{- fail (printf "server.resources.limits.memory %dMi leaves %dMi for items after the head-room; give at least 96Mi" $limit $memory) -}}
{{- end -}}
{{- $memory -}}
{{- end -}}
{{- end -}}

{{/* The server's probe: "version" over the text protocol (binary with SASL), on the plain listener with TLS. */}}
{{- define "hoard.serverProbeCommand" -}}
- hoard-probe
- "-p"
- {{ ternary .Values.tls.probePort .Values.server.port .Values.tls.enabled | int | quote }}
{{- if eq .Values.auth.mode "ascii" }}
- "-Y"
- {{ printf "/etc/hoard/auth/%s" .Values.auth.key | quote }}
{{- else if eq .Values.auth.mode "sasl" }}
- "-S"
{{- end }}
{{- end -}}

{{/* Settings that cannot work together, refused with the reason before anything is installed. */}}
{{- define "hoard.validate" -}}
{{- if and (ne .Values.auth.mode "none") (not .Values.auth.existingSecret) -}}
{{- fail "auth.mode is not none: set auth.existingSecret to a Secret holding the user:password lines" -}}
{{- end -}}
{{- if and .Values.tls.enabled (not .Values.tls.existingSecret) -}}
{{- fail "tls.enabled: set tls.existingSecret to a kubernetes.io/tls Secret" -}}
{{- end -}}
{{- if and .Values.router.enabled (or (ne .Values.auth.mode "none") .Values.tls.enabled) -}}
{{- fail "the router does not authenticate to servers or speak TLS to them: with auth.mode or tls.enabled set router.enabled=false" -}}
{{- end -}}
{{- if and .Values.tls.enabled (eq (int .Values.tls.probePort) (int .Values.server.port)) -}}
{{- fail "tls.probePort must differ from server.port" -}}
{{- end -}}
{{- end -}}

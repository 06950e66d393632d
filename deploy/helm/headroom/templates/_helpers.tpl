{{/* The chart's name, overridable. */}}
{{- define "headroom.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* The release's full name: the prefix of every object the chart makes. */}}
{{- define "headroom.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else if contains (include "headroom.name" .) .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name (include "headroom.name" .) | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "headroom.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{ include "headroom.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: headroom
{{- end -}}

{{- define "headroom.selectorLabels" -}}
app.kubernetes.io/name: {{ include "headroom.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: controller
{{- end -}}

{{- define "headroom.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "headroom.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "headroom.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}

{{- define "headroom.leaseName" -}}
{{- default (printf "%s-leader" (include "headroom.fullname" .)) .Values.controller.leaderElection.leaseName -}}
{{- end -}}

{{/* The rules of the controller's namespaced work: policies, their pods, their targets' scale, events. */}}
{{- define "headroom.controllerRules" -}}
- apiGroups: ["headroom.dev"]
  resources: ["headroompolicies"]
  verbs: ["get", "list", "watch"]
- apiGroups: ["headroom.dev"]
  resources: ["headroompolicies/status"]
  verbs: ["get", "update", "patch"]
- apiGroups: [""]
  resources: ["pods"]
  # patch: pod-deletion-cost on the pods of a workload about to scale in (src/docs/controller.md).
  verbs: ["get", "list", "watch", "patch"]
{{- range .Values.controller.scaleTargets }}
- apiGroups: [{{ .apiGroup | quote }}]
  resources: [{{ range $i, $r := .resources }}{{ if $i }}, {{ end }}{{ printf "%s/scale" $r | quote }}{{ end }}]
  verbs: ["get", "update"]
{{- end }}
- apiGroups: [""]
  resources: ["events"]
  verbs: ["create"]
{{- end -}}

{{/* headroom.keda.clients as one setting: name=ns1|ns2,name2=* */}}
{{- define "headroom.kedaClients" -}}
{{- $entries := list }}
{{- range $name, $namespaces := .Values.keda.clients }}
{{- $entries = append $entries (printf "%s=%s" $name (join "|" $namespaces)) }}
{{- end }}
{{- join "," $entries }}
{{- end -}}

{{/*
A Prometheus Operator object's own labels: release (monitoring.release, what kube-prometheus-stack selects on),
then the object's labels, which win.
*/}}
{{- define "headroom.monitoringLabels" -}}
{{- $labels := dict -}}
{{- with .root.Values.monitoring.release }}
{{- $_ := set $labels "release" . -}}
{{- end }}
{{- $labels = merge (deepCopy (.labels | default dict)) $labels -}}
{{- if $labels }}
{{- toYaml $labels }}
{{- end }}
{{- end }}

{{/*
A Kubernetes label name as Prometheus's Kubernetes discovery spells it in __meta_kubernetes_pod_label_<name>:
every character outside [a-zA-Z0-9_] becomes _.
*/}}
{{- define "headroom.promLabel" -}}
{{- regexReplaceAll "[^a-zA-Z0-9_]" . "_" -}}
{{- end }}

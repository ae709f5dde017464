{{/* Chart name, truncated to a DNS label. */}}
{{- define "sidestream.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Fully qualified name: release-chart unless the release name already contains the chart name. */}}
{{- define "sidestream.fullname" -}}
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

{{- define "sidestream.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Selector labels: stable for the life of the release. */}}
{{- define "sidestream.selectorLabels" -}}
app.kubernetes.io/name: {{ include "sidestream.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "sidestream.labels" -}}
helm.sh/chart: {{ include "sidestream.chart" . }}
{{ include "sidestream.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: sidestream
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{- define "sidestream.headlessServiceName" -}}
{{- default (printf "%s-headless" (include "sidestream.fullname" .) | trunc 63 | trimSuffix "-") .Values.workload.serviceName }}
{{- end }}

{{- define "sidestream.image" -}}
{{- printf "%s:%s" .image.repository (default .appVersion .image.tag) }}
{{- end }}

{{/* The gRPC address the app uses: the sidecar on the pod's loopback. */}}
{{- define "sidestream.address" -}}
{{- printf "127.0.0.1:%d" (int .Values.sidecar.grpcPort) }}
{{- end }}

{{/* Checks across values that the schema cannot express. */}}
{{- define "sidestream.validate" -}}
{{- if le (int .Values.workload.terminationGracePeriodSeconds) (int .Values.sidecar.shutdownTimeoutSeconds) }}
{{- fail (printf "workload.terminationGracePeriodSeconds (%d) must be greater than sidecar.shutdownTimeoutSeconds (%d): the sidecar needs that long to drain and commit" (int .Values.workload.terminationGracePeriodSeconds) (int .Values.sidecar.shutdownTimeoutSeconds)) }}
{{- end }}
{{- if and .Values.kafka.sasl.enabled (not .Values.kafka.sasl.existingSecret) }}
{{- fail "kafka.sasl.enabled needs kafka.sasl.existingSecret: the name of an existing Secret holding the SASL username and password" }}
{{- end }}
{{- if and .Values.sidecar.native (semverCompare "<1.29.0-0" .Capabilities.KubeVersion.Version) }}
{{- fail (printf "sidecar.native needs Kubernetes >= 1.29 (native sidecar containers); this cluster is %s" .Capabilities.KubeVersion.Version) }}
{{- end }}
{{- if and .Values.metrics.serviceMonitor.enabled (not .Values.metrics.enabled) }}
{{- fail "metrics.serviceMonitor.enabled needs metrics.enabled" }}
{{- end }}
{{- if eq (int .Values.metrics.port) (int .Values.sidecar.grpcPort) }}
{{- fail "metrics.port must differ from sidecar.grpcPort" }}
{{- end }}
{{- end }}

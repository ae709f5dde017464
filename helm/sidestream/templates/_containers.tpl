{{/* One gRPC health probe (grpc.health.v1.Health, overall status) from a probe value block. */}}
{{- define "sidestream.grpcProbe" -}}
grpc:
  port: {{ int .port }}
{{- with .probe }}
{{- if hasKey . "initialDelaySeconds" }}
initialDelaySeconds: {{ int .initialDelaySeconds }}
{{- end }}
periodSeconds: {{ int .periodSeconds }}
timeoutSeconds: {{ int .timeoutSeconds }}
failureThreshold: {{ int .failureThreshold }}
{{- end }}
{{- end }}

{{/* The sidestreamd container. */}}
{{- define "sidestream.sidecarContainer" -}}
{{- $s := .Values.sidecar -}}
- name: {{ $s.name }}
  image: {{ include "sidestream.image" (dict "image" $s.image "appVersion" .Chart.AppVersion) | quote }}
  imagePullPolicy: {{ $s.image.pullPolicy }}
  {{- if $s.native }}
  restartPolicy: Always
  {{- end }}
  args:
    - --listen=0.0.0.0:{{ int $s.grpcPort }}
    {{- range $s.extraArgs }}
    - {{ . | quote }}
    {{- end }}
  env:
    - name: SIDESTREAM_BROKER
      value: {{ .Values.kafka.broker | quote }}
    - name: SIDESTREAM_STATE_DIR
      value: {{ .Values.state.mountPath | quote }}
    - name: SIDESTREAM_LOG_LEVEL
      value: {{ $s.logLevel | quote }}
    - name: SIDESTREAM_LOG_FORMAT
      value: {{ $s.logFormat | quote }}
    - name: SIDESTREAM_SHUTDOWN_TIMEOUT
      value: {{ $s.shutdownTimeoutSeconds | quote }}
    - name: SIDESTREAM_BROKER_TIMEOUT
      value: {{ $s.brokerTimeoutSeconds | quote }}
    - name: SIDESTREAM_MAX_BATCH
      value: {{ $s.maxBatch | quote }}
    - name: SIDESTREAM_PROGRESS_INTERVAL
      value: {{ $s.progressIntervalSeconds | quote }}
    {{- if .Values.metrics.enabled }}
    - name: SIDESTREAM_METRICS_LISTEN
      value: {{ printf "0.0.0.0:%d" (int .Values.metrics.port) | quote }}
    {{- end }}
    {{- with $s.extraEnv }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
  ports:
    - name: grpc
      containerPort: {{ int $s.grpcPort }}
      protocol: TCP
    {{- if .Values.metrics.enabled }}
    - name: metrics
      containerPort: {{ int .Values.metrics.port }}
      protocol: TCP
    {{- end }}
  {{- if $s.startupProbe.enabled }}
  startupProbe:
    {{- include "sidestream.grpcProbe" (dict "port" $s.grpcPort "probe" (omit $s.startupProbe "enabled")) | nindent 4 }}
  {{- end }}
  {{- if $s.livenessProbe.enabled }}
  livenessProbe:
    {{- include "sidestream.grpcProbe" (dict "port" $s.grpcPort "probe" (omit $s.livenessProbe "enabled")) | nindent 4 }}
  {{- end }}
  {{- if $s.readinessProbe.enabled }}
  readinessProbe:
    {{- include "sidestream.grpcProbe" (dict "port" $s.grpcPort "probe" (omit $s.readinessProbe "enabled")) | nindent 4 }}
  {{- end }}
  {{- with $s.resources }}
  resources:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with $s.securityContext }}
  securityContext:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  volumeMounts:
    - name: state
      mountPath: {{ .Values.state.mountPath | quote }}
    {{- with $s.volumeMounts }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
{{- end }}

{{/* The application container. */}}
{{- define "sidestream.appContainer" -}}
{{- $a := .Values.app -}}
{{- $k := .Values.kafka -}}
- name: {{ $a.name }}
  image: {{ include "sidestream.image" (dict "image" $a.image "appVersion" .Chart.AppVersion) | quote }}
  imagePullPolicy: {{ $a.image.pullPolicy }}
  {{- with $a.command }}
  command:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with $a.args }}
  args:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  env:
    - name: SIDESTREAM_ADDRESS
      value: {{ include "sidestream.address" . | quote }}
    - name: SIDESTREAM_KAFKA_BROKER
      value: {{ $k.broker | quote }}
    {{- with $k.securityProtocol }}
    - name: SIDESTREAM_KAFKA_SECURITY_PROTOCOL
      value: {{ . | quote }}
    {{- end }}
    {{- if $k.sasl.enabled }}
    - name: SIDESTREAM_KAFKA_SASL_MECHANISM
      value: {{ $k.sasl.mechanism | quote }}
    - name: SIDESTREAM_KAFKA_SASL_USERNAME
      valueFrom:
        secretKeyRef:
          name: {{ $k.sasl.existingSecret | quote }}
          key: {{ $k.sasl.usernameKey | quote }}
    - name: SIDESTREAM_KAFKA_SASL_PASSWORD
      valueFrom:
        secretKeyRef:
          name: {{ $k.sasl.existingSecret | quote }}
          key: {{ $k.sasl.passwordKey | quote }}
    {{- end }}
    {{- with $a.env }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
  {{- with $a.envFrom }}
  envFrom:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with $a.ports }}
  ports:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with $a.livenessProbe }}
  livenessProbe:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with $a.readinessProbe }}
  readinessProbe:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with $a.resources }}
  resources:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with $a.securityContext }}
  securityContext:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with $a.volumeMounts }}
  volumeMounts:
    {{- toYaml . | nindent 4 }}
  {{- end }}
{{- end }}

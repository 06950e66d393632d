{{/*
The Headroom sidecar container, for an engine pod's spec.containers (src/docs/deploy.md, "The sidecar beside an
engine"). With the headroom chart as a dependency of your own chart, in the engine's pod template:

  metadata:
    labels:
      headroom.dev/sidecar: "true"
  spec:
    containers:
      - name: vllm
        # The engine writes its own GPUs (the device plugin's choice) where the sidecar reads them, then starts.
        command:
          - /bin/bash
          - -c
          - echo "$NVIDIA_VISIBLE_DEVICES" > /headroom/gpus; exec python3 -m vllm.entrypoints.openai.api_server "$@"
          - vllm
        volumeMounts:
          {{- include "headroom.engineMounts" (dict) | nindent 10 }}
        ...
      {{- include "headroom.sidecar" (dict "enginePort" 8000 "dialect" "vllm") | nindent 6 }}
    volumes:
      {{- include "headroom.sidecarVolumes" (dict) | nindent 6 }}

The dict (every key optional):
  enginePort  the engine's port, reached over the pod's loopback (8000)
  enginePath  the engine's metrics path (/metrics)
  engineUrl   the whole metrics URL, instead of enginePort and enginePath
  dialect     the engine's metrics dialect (HEADROOM_SIDECAR_DIALECT, e.g. vllm); empty: detected
  gpuDevices  which GPUs NVML reads. Empty (the default): the engine's own, from the file gpuDevicesFile, which the
              engine's command writes from its NVIDIA_VISIBLE_DEVICES (the device plugin assigns the GPUs when the
              pod starts, so no manifest can name them); nothing is read until the file is there. A fixed list
              (NVIDIA_VISIBLE_DEVICES syntax: UUIDs or indexes): those GPUs. none: no GPU readings
  gpuDevicesFile  where the engine writes its GPUs (/headroom/gpus); its folder is the headroom-engine volume,
              mounted read-only here and writable in the engine by headroom.engineMounts
  image       the image (ghcr.io/headroom-dev/headroom-sidecar:<the chart's appVersion>, from Dockerfile.sidecar)
  resources   the container's resources (requests 25m / 128Mi, limit 192Mi: ~100 MiB resident, measured)
  logFormat   text (dated lines, the default) or json (one JSON object a line: QUARKUS_LOG_CONSOLE_JSON_ENABLED)
  extraEnv    more variables (name/value or valueFrom), e.g. HEADROOM_SIDECAR_*
  volumeName  the writable /tmp volume's name (headroom-tmp; the same key for headroom.sidecarVolumes)
*/}}
{{- define "headroom.sidecar.appVersion" -}}0.1.0{{- end -}}

{{- define "headroom.sidecar" -}}
{{- $port := int (default 8000 .enginePort) -}}
{{- $url := default (printf "http://127.0.0.1:%d%s" $port (default "/metrics" .enginePath)) .engineUrl -}}
{{- $resources := default (dict "requests" (dict "cpu" "25m" "memory" "128Mi") "limits" (dict "memory" "192Mi")) .resources -}}
- name: headroom
  image: {{ default (printf "ghcr.io/headroom-dev/headroom-sidecar:%s" (include "headroom.sidecar.appVersion" .)) .image | quote }}
  args: ["sidecar"]
  env:
    - name: HEADROOM_SIDECAR_ENGINE_URL
      value: {{ $url | quote }}
    {{- with .dialect }}
    - name: HEADROOM_SIDECAR_DIALECT
      value: {{ . | quote }}
    {{- end }}
    {{- if eq (toString .gpuDevices) "none" }}
    - name: HEADROOM_GPU_PROBE
      value: none
    {{- else }}
    - name: HEADROOM_GPU_PROBE
      value: nvml
    {{- /* The sidecar asks for no GPU: these two make the NVIDIA runtime mount libnvidia-ml (utility only). */}}
    - name: NVIDIA_VISIBLE_DEVICES
      value: {{ default "all" .gpuDevices | toString | quote }}
    - name: NVIDIA_DRIVER_CAPABILITIES
      value: utility
    {{- if not .gpuDevices }}
    - name: HEADROOM_GPU_DEVICES_FILE
      value: {{ include "headroom.gpuDevicesFile" . | quote }}
    {{- end }}
    {{- end }}
    {{- if eq (default "text" .logFormat) "json" }}
    - name: QUARKUS_LOG_CONSOLE_JSON_ENABLED
      value: "true"
    {{- else if ne (default "text" .logFormat) "text" }}
    {{- fail (printf "headroom.sidecar: logFormat must be text or json, was %s" .logFormat) }}
    {{- end }}
    {{- with .extraEnv }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
  ports:
    - name: headroom
      containerPort: 8480
  startupProbe:
    httpGet:
      path: /q/health/started
      port: headroom
    periodSeconds: 1
    failureThreshold: 30
  readinessProbe:
    httpGet:
      path: /q/health/ready
      port: headroom
    periodSeconds: 10
    timeoutSeconds: 2
  livenessProbe:
    httpGet:
      path: /q/health/live
      port: headroom
    periodSeconds: 20
    timeoutSeconds: 2
    failureThreshold: 3
  resources:
    {{- toYaml $resources | nindent 4 }}
  securityContext:
    runAsNonRoot: true
    runAsUser: 185
    runAsGroup: 185
    allowPrivilegeEscalation: false
    readOnlyRootFilesystem: true
    capabilities:
      drop:
        - ALL
    seccompProfile:
      type: RuntimeDefault
  volumeMounts:
    - name: {{ default "headroom-tmp" .volumeName }}
      mountPath: /tmp
    {{- if not .gpuDevices }}
    - name: headroom-engine
      mountPath: {{ dir (include "headroom.gpuDevicesFile" .) | quote }}
      readOnly: true
    {{- end }}
{{- end -}}

{{- define "headroom.gpuDevicesFile" -}}{{ default "/headroom/gpus" .gpuDevicesFile }}{{- end -}}

{{/* The engine container's mount of the folder it writes its GPUs into, for its volumeMounts (same dict). */}}
{{- define "headroom.engineMounts" -}}
- name: headroom-engine
  mountPath: {{ dir (include "headroom.gpuDevicesFile" .) | quote }}
{{- end -}}

{{/*
The sidecar's one writable path (/tmp: Vert.x's file cache, JNA's native library) and the folder the engine writes
its GPUs into, for spec.volumes.
*/}}
{{- define "headroom.sidecarVolumes" -}}
- name: {{ default "headroom-tmp" .volumeName }}
  emptyDir:
    sizeLimit: 32Mi
- name: headroom-engine
  emptyDir:
    sizeLimit: 1Mi
{{- end -}}

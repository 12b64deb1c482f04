// Offline validation of deploy/k8s: no cluster exists where gw-bench is developed, so every
// manifest is decoded strictly (unknown or misspelt fields fail, as `kubectl apply
// --validate=strict` would) into the Kubernetes API's own Go types, and the few facts the
// agents depend on are checked: an Indexed Job whose completion index selects the plan.
package validate

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	monitoringv1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/yaml"
)

// kustomization holds the fields deploy/k8s uses; strict decoding rejects any other.
type kustomization struct {
	APIVersion         string   `json:"apiVersion"`
	Kind               string   `json:"kind"`
	Namespace          string   `json:"namespace"`
	Resources          []string `json:"resources"`
	ConfigMapGenerator []struct {
		Name    string `json:"name"`
		Options struct {
			DisableNameSuffixHash bool `json:"disableNameSuffixHash"`
		} `json:"options"`
		Files []string `json:"files"`
	} `json:"configMapGenerator"`
}

type header struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
}

func documents(t *testing.T, file string) [][]byte {
	t.Helper()
	raw, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var docs [][]byte
	for _, d := range bytes.Split(raw, []byte("\n---")) {
		if len(bytes.TrimSpace(stripComments(d))) > 0 {
			docs = append(docs, d)
		}
	}
	return docs
}

func stripComments(b []byte) []byte {
	var out []string
	for _, l := range strings.Split(string(b), "\n") {
		if !strings.HasPrefix(strings.TrimSpace(l), "#") {
			out = append(out, l)
		}
	}
	return []byte(strings.Join(out, "\n"))
}

// decode decodes one document into the typed object for its kind, strictly.
func decode(doc []byte) (any, error) {
	var h header
	if err := yaml.Unmarshal(doc, &h); err != nil {
		return nil, err
	}
	var obj any
	switch h.APIVersion + " " + h.Kind {
	case "v1 Namespace":
		obj = &corev1.Namespace{}
	case "v1 PersistentVolumeClaim":
		obj = &corev1.PersistentVolumeClaim{}
	case "v1 ConfigMap":
		obj = &corev1.ConfigMap{}
	case "batch/v1 Job":
		obj = &batchv1.Job{}
	case "monitoring.coreos.com/v1 PodMonitor":
		obj = &monitoringv1.PodMonitor{}
	case "kustomize.config.k8s.io/v1beta1 Kustomization":
		obj = &kustomization{}
	default:
		return nil, fmt.Errorf("unexpected apiVersion/kind %q %q", h.APIVersion, h.Kind)
	}
	if err := yaml.UnmarshalStrict(doc, obj); err != nil {
		return nil, err
	}
	return obj, nil
}

func manifests(t *testing.T) map[string][]any {
	t.Helper()
	files, err := filepath.Glob("../*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no manifests found next to the validator (%v)", err)
	}
	out := map[string][]any{}
	for _, f := range files {
		for i, d := range documents(t, f) {
			obj, err := decode(d)
			if err != nil {
				t.Errorf("%s document %d: %v", filepath.Base(f), i, err)
				continue
			}
			out[filepath.Base(f)] = append(out[filepath.Base(f)], obj)
		}
	}
	return out
}

func TestManifestsDecodeStrictly(t *testing.T) {
	m := manifests(t)
	for _, want := range []string{"namespace.yaml", "results-pvc.yaml", "agents-job.yaml", "merge-job.yaml", "kustomization.yaml", "podmonitor.yaml"} {
		if len(m[want]) == 0 {
			t.Errorf("%s: missing or empty", want)
		}
	}
}

func TestStrictDecodingRejectsUnknownFields(t *testing.T) {
	// The check above would pass vacuously if decoding were lenient: prove it is not.
	bad := []byte("apiVersion: batch/v1\nkind: Job\nmetadata: {name: x}\nspec:\n  completionMod: Indexed\n")
	if _, err := decode(bad); err == nil {
		t.Fatal("a misspelt field (completionMod) decoded without error")
	}
}

func job(t *testing.T, file string) *batchv1.Job {
	t.Helper()
	objs := manifests(t)[file]
	if len(objs) != 1 {
		t.Fatalf("%s: want one Job, got %d documents", file, len(objs))
	}
	j, ok := objs[0].(*batchv1.Job)
	if !ok {
		t.Fatalf("%s: not a Job", file)
	}
	return j
}

func TestAgentsJobIsIndexedAndSelectsPlanByIndex(t *testing.T) {
	j := job(t, "agents-job.yaml")
	s := j.Spec
	if s.CompletionMode == nil || *s.CompletionMode != batchv1.IndexedCompletion {
		t.Errorf("completionMode must be Indexed")
	}
	if s.Completions == nil || s.Parallelism == nil || *s.Completions != *s.Parallelism {
		t.Errorf("completions and parallelism must be equal: every agent starts at the plan's common time")
	}
	if s.BackoffLimit == nil || *s.BackoffLimit != 0 {
		t.Errorf("backoffLimit must be 0: a restarted agent would miss the common start time")
	}
	pod := s.Template.Spec
	if pod.RestartPolicy != corev1.RestartPolicyNever {
		t.Errorf("restartPolicy must be Never, got %q", pod.RestartPolicy)
	}
	if len(pod.Containers) != 1 {
		t.Fatalf("want one container, got %d", len(pod.Containers))
	}
	c := pod.Containers[0]
	args := strings.Join(c.Args, " ")
	for _, want := range []string{"agent", "--plan /plans/agent-$(JOB_COMPLETION_INDEX).json", "--out /out/$(JOB_COMPLETION_INDEX)", "--metrics-port", "--metrics-host 0.0.0.0"} {
		if !strings.Contains(args, want) {
			t.Errorf("agent args %q lack %q", args, want)
		}
	}
	var indexEnv bool
	for _, e := range c.Env {
		if e.Name == "JOB_COMPLETION_INDEX" && e.ValueFrom != nil && e.ValueFrom.FieldRef != nil &&
			e.ValueFrom.FieldRef.FieldPath == "metadata.annotations['batch.kubernetes.io/job-completion-index']" {
			indexEnv = true
		}
	}
	if !indexEnv {
		t.Errorf("JOB_COMPLETION_INDEX must come from the completion-index annotation (args expand it)")
	}
	mountsResolve(t, pod)
	if !c.Resources.Requests.Cpu().Equal(*c.Resources.Limits.Cpu()) || !c.Resources.Requests.Memory().Equal(*c.Resources.Limits.Memory()) {
		t.Errorf("agent requests must equal limits (Guaranteed QoS, no CPU throttling mid-stage)")
	}
}

func TestPlansConfigMapCoversEveryAgent(t *testing.T) {
	j := job(t, "agents-job.yaml")
	k := manifests(t)["kustomization.yaml"][0].(*kustomization)
	var files []string
	for _, g := range k.ConfigMapGenerator {
		if g.Name == "gw-bench-plans" {
			files = g.Files
		}
	}
	if int32(len(files)) != *j.Spec.Completions {
		t.Fatalf("gw-bench-plans lists %d plan files for %d completions", len(files), *j.Spec.Completions)
	}
	for i, f := range files {
		if want := fmt.Sprintf("plan/agent-%d.json", i); f != want {
			t.Errorf("plan file %d is %q, want %q", i, f, want)
		}
	}
	for _, r := range k.Resources {
		if _, err := os.Stat(filepath.Join("..", r)); err != nil {
			t.Errorf("kustomization resource %s: %v", r, err)
		}
	}
}

func TestMergeJobReadsTheAgentsVolume(t *testing.T) {
	j := job(t, "merge-job.yaml")
	mountsResolve(t, j.Spec.Template.Spec)
	if !strings.Contains(strings.Join(j.Spec.Template.Spec.Containers[0].Args, " "), "gw-bench merge") {
		t.Errorf("merge job does not run gw-bench merge")
	}
}

// mountsResolve checks that every volumeMount names a volume of the pod.
func mountsResolve(t *testing.T, pod corev1.PodSpec) {
	t.Helper()
	vols := map[string]bool{}
	for _, v := range pod.Volumes {
		vols[v.Name] = true
	}
	for _, c := range pod.Containers {
		for _, m := range c.VolumeMounts {
			if !vols[m.Name] {
				t.Errorf("container %s mounts %q, which is not a volume of the pod", c.Name, m.Name)
			}
		}
	}
}

func TestPodMonitorScrapesTheAgentsMetricsPort(t *testing.T) {
	pm := manifests(t)["podmonitor.yaml"][0].(*monitoringv1.PodMonitor)
	c := job(t, "agents-job.yaml").Spec.Template
	for k, v := range pm.Spec.Selector.MatchLabels {
		if c.Labels[k] != v {
			t.Errorf("PodMonitor selects %s=%s, which the agent pods lack", k, v)
		}
	}
	if len(pm.Spec.PodMetricsEndpoints) != 1 {
		t.Fatalf("want one endpoint")
	}
	port := pm.Spec.PodMetricsEndpoints[0].Port
	var found bool
	for _, p := range c.Spec.Containers[0].Ports {
		if p.Name == port {
			found = true
		}
	}
	if !found {
		t.Errorf("PodMonitor port is not a named port of the agent container")
	}
}

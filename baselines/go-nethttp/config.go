package main

import (
	"fmt"
	"net/url"
	"os"
	"runtime"
	"strconv"
	"strings"
	"time"
)

// Config is the contract's environment (docs/gateway-contract.md section 1), validated once.
type Config struct {
	Host            string
	Port            int
	Workers         int
	UserStatus      []Instance
	Barrage         []Instance
	User            []Instance
	Interact        []Instance
	JWTAlg          string
	JWTSecret       string
	JWTPublicKey    string // path; RS256 only
	JWTIssuer       string
	FanoutDeadline  time.Duration
	UpstreamTimeout time.Duration
	BreakerFailures int
	BreakerCooldown time.Duration
	MaxBodyBytes    int64
	MaxHeaderBytes  int
	IdleTimeout     time.Duration
}

// Instance is one upstream base URL with its integer weight.
type Instance struct {
	URL    *url.URL
	Weight int
}

// configProblems collects every invalid variable so the user sees all of them at once.
type configProblems []string

func (p *configProblems) add(name, value, expect string) {
	*p = append(*p, fmt.Sprintf("%s=%q: expected %s", name, value, expect))
}

func env(name, def string) string {
	if v, ok := os.LookupEnv(name); ok && v != "" {
		return v
	}
	return def
}

func (p *configProblems) intVar(name, def string, min, max int64) int64 {
	raw := env(name, def)
	n, err := strconv.ParseInt(strings.TrimSpace(raw), 10, 64)
	if err != nil || n < min || n > max {
		p.add(name, raw, fmt.Sprintf("an integer in [%d, %d]", min, max))
		return min
	}
	return n
}

func (p *configProblems) msVar(name, def string) time.Duration {
	return time.Duration(p.intVar(name, def, 1, 24*3600*1000)) * time.Millisecond
}

// parseInstances reads "URL[*WEIGHT],URL[*WEIGHT]..." (contract section 1).
func (p *configProblems) instances(name, def string) []Instance {
	raw := env(name, def)
	before := len(*p)
	var out []Instance
	for _, part := range strings.Split(raw, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		weight := 1
		if i := strings.LastIndex(part, "*"); i >= 0 {
			w, err := strconv.Atoi(part[i+1:])
			if err != nil || w < 1 {
				p.add(name, raw, fmt.Sprintf("weight after '*' in %q to be an integer >= 1", part))
				continue
			}
			weight, part = w, part[:i]
		}
		u, err := url.Parse(part)
		if err != nil || u.Scheme != "http" || u.Host == "" || u.RawQuery != "" {
			p.add(name, raw, fmt.Sprintf("%q to be an http://host:port URL", part))
			continue
		}
		u.Path = strings.TrimSuffix(u.Path, "/")
		out = append(out, Instance{URL: u, Weight: weight})
	}
	if len(out) == 0 && len(*p) == before {
		p.add(name, raw, "at least one instance")
	}
	return out
}

// LoadConfig reads and validates the contract variables; the error names every problem.
func LoadConfig() (*Config, error) {
	var p configProblems
	c := &Config{}
	c.Host = env("GW_LISTEN_HOST", "127.0.0.1")
	c.Port = int(p.intVar("GW_LISTEN_PORT", "8080", 0, 65535))

	switch w := env("GW_WORKERS", "1"); w {
	case "auto":
		// runtime.NumCPU honours the CPU affinity mask (taskset), which is what "may use" means.
		c.Workers = runtime.NumCPU()
	default:
		c.Workers = int(p.intVar("GW_WORKERS", "1", 1, 256)) // or "auto"
	}

	c.UserStatus = p.instances("GW_UPSTREAM_USER_STATUS", "http://127.0.0.1:19001")
	c.Barrage = p.instances("GW_UPSTREAM_BARRAGE", "http://127.0.0.1:19002")
	c.User = p.instances("GW_UPSTREAM_USER", "http://127.0.0.1:19003")
	c.Interact = p.instances("GW_UPSTREAM_INTERACT", "http://127.0.0.1:19004*80,http://127.0.0.1:19005*20")

	c.JWTAlg = env("GW_JWT_ALG", "HS256")
	c.JWTSecret = env("GW_JWT_SECRET", "gw-bench-dev-secret-change-me-0123456789")
	c.JWTPublicKey = env("GW_JWT_PUBLIC_KEY_FILE", "")
	c.JWTIssuer = env("GW_JWT_ISSUER", "gw-bench")
	switch c.JWTAlg {
	case "HS256":
	case "RS256":
		if c.JWTPublicKey == "" {
			p.add("GW_JWT_PUBLIC_KEY_FILE", "", "a PEM public key path when GW_JWT_ALG=RS256")
		}
	default:
		p.add("GW_JWT_ALG", c.JWTAlg, "HS256 or RS256")
	}

	c.FanoutDeadline = p.msVar("GW_FANOUT_DEADLINE_MS", "150")
	c.UpstreamTimeout = p.msVar("GW_UPSTREAM_TIMEOUT_MS", "1000")
	c.BreakerFailures = int(p.intVar("GW_BREAKER_FAILURES", "5", 1, 1_000_000))
	c.BreakerCooldown = p.msVar("GW_BREAKER_COOLDOWN_MS", "2000")
	c.MaxBodyBytes = p.intVar("GW_MAX_BODY_BYTES", "1048576", 0, 1<<40)
	c.MaxHeaderBytes = int(p.intVar("GW_MAX_HEADER_BYTES", "16384", 1024, 1<<24))
	c.IdleTimeout = p.msVar("GW_IDLE_TIMEOUT_MS", "120000")

	if len(p) > 0 {
		return nil, fmt.Errorf("invalid configuration:\n  %s", strings.Join(p, "\n  "))
	}
	return c, nil
}

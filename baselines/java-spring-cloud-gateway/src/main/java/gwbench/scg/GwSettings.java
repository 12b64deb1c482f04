package gwbench.scg;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The contract's GW_* variables, bound from the `gw.*` block of application.yml (which holds
 * each default exactly once) and validated once at startup: every problem is named with its
 * variable, value and expectation, and the gateway refuses to start.
 */
@ConfigurationProperties("gw")
public class GwSettings implements org.springframework.beans.factory.InitializingBean {

	@Override
	public void afterPropertiesSet() {
		validate();
	}

	public static final String USER_STATUS = "user-status";

	public static final String BARRAGE = "barrage";

	public static final String USER = "user";

	public static final String INTERACT = "interact";

	private String listenHost;

	private String listenPort;

	private String workers;

	private Map<String, String> upstream = new LinkedHashMap<>();

	private String jwtAlg;

	private String jwtSecret;

	private String jwtPublicKeyFile;

	private String jwtIssuer;

	private String fanoutDeadlineMs;

	private String upstreamTimeoutMs;

	private String breakerFailures;

	private String breakerCooldownMs;

	private String maxBodyBytes;

	private String maxHeaderBytes;

	private String idleTimeoutMs;

	private volatile Map<String, UpstreamService> services;

	/** Parses and validates everything; throws one exception listing every problem. */
	public void validate() {
		List<String> problems = new ArrayList<>();
		positive("GW_LISTEN_PORT", listenPort, problems, 0, 65535);
		if (!"auto".equals(workers)) {
			positive("GW_WORKERS", workers, problems, 1, 1024);
		}
		Map<String, UpstreamService> parsed = new LinkedHashMap<>();
		for (String[] pair : new String[][] { { USER_STATUS, "GW_UPSTREAM_USER_STATUS", "user-status" },
				{ BARRAGE, "GW_UPSTREAM_BARRAGE", "barrage" }, { USER, "GW_UPSTREAM_USER", "user" },
				{ INTERACT, "GW_UPSTREAM_INTERACT", "interact" } }) {
			UpstreamService s = UpstreamService.parse(pair[0], pair[1], upstream.get(pair[2]), problems);
			if (s != null) {
				parsed.put(pair[0], s);
			}
		}
		if (!"HS256".equals(jwtAlg) && !"RS256".equals(jwtAlg)) {
			problems.add("GW_JWT_ALG='" + jwtAlg + "': expected HS256 or RS256");
		}
		if ("HS256".equals(jwtAlg) && (jwtSecret == null || jwtSecret.getBytes(java.nio.charset.StandardCharsets.UTF_8).length < 32)) {
			// Nimbus refuses HMAC keys shorter than the hash (RFC 7518 section 3.2).
			problems.add("GW_JWT_SECRET: must be at least 32 bytes (UTF-8) for HS256");
		}
		if ("RS256".equals(jwtAlg)) {
			if (jwtPublicKeyFile == null || jwtPublicKeyFile.isBlank()) {
				problems.add("GW_JWT_PUBLIC_KEY_FILE: required when GW_JWT_ALG=RS256");
			}
			else if (!Files.isReadable(Path.of(jwtPublicKeyFile))) {
				problems.add("GW_JWT_PUBLIC_KEY_FILE='" + jwtPublicKeyFile + "': not a readable file");
			}
		}
		if (jwtIssuer == null || jwtIssuer.isEmpty()) {
			problems.add("GW_JWT_ISSUER: must not be empty");
		}
		positive("GW_FANOUT_DEADLINE_MS", fanoutDeadlineMs, problems, 1, Integer.MAX_VALUE);
		positive("GW_UPSTREAM_TIMEOUT_MS", upstreamTimeoutMs, problems, 1, Integer.MAX_VALUE);
		positive("GW_BREAKER_FAILURES", breakerFailures, problems, 1, 1_000_000);
		positive("GW_BREAKER_COOLDOWN_MS", breakerCooldownMs, problems, 1, Integer.MAX_VALUE);
		positive("GW_MAX_BODY_BYTES", maxBodyBytes, problems, 0, Integer.MAX_VALUE);
		positive("GW_MAX_HEADER_BYTES", maxHeaderBytes, problems, 1, Integer.MAX_VALUE);
		positive("GW_IDLE_TIMEOUT_MS", idleTimeoutMs, problems, 1, Integer.MAX_VALUE);
		if (!problems.isEmpty()) {
			throw new IllegalStateException(
					"invalid gateway configuration:\n  " + String.join("\n  ", problems));
		}
		services = Map.copyOf(parsed);
	}

	private static void positive(String name, String value, List<String> problems, long min, long max) {
		try {
			long v = Long.parseLong(value.trim());
			if (v < min || v > max) {
				problems.add(name + "='" + value + "': expected an integer in [" + min + ", " + max + "]");
			}
		}
		catch (RuntimeException e) {
			problems.add(name + "='" + value + "': expected an integer");
		}
	}

	/** The parsed service by contract name (user-status, barrage, user, interact). */
	public UpstreamService service(String name) {
		return services.get(name);
	}

	public Map<String, UpstreamService> services() {
		return services;
	}

	public Duration fanoutDeadline() {
		return Duration.ofMillis(Long.parseLong(fanoutDeadlineMs.trim()));
	}

	public Duration upstreamTimeout() {
		return Duration.ofMillis(Long.parseLong(upstreamTimeoutMs.trim()));
	}

	public int breakerFailuresCount() {
		return Integer.parseInt(breakerFailures.trim());
	}

	public Duration breakerCooldown() {
		return Duration.ofMillis(Long.parseLong(breakerCooldownMs.trim()));
	}

	public long maxBody() {
		return Long.parseLong(maxBodyBytes.trim());
	}

	// --- binding (plain strings so that validation, not the binder, names bad values) ---

	public String getListenHost() { return listenHost; }
	public void setListenHost(String v) { listenHost = v; }
	public String getListenPort() { return listenPort; }
	public void setListenPort(String v) { listenPort = v; }
	public String getWorkers() { return workers; }
	public void setWorkers(String v) { workers = v; }
	public Map<String, String> getUpstream() { return upstream; }
	public void setUpstream(Map<String, String> v) { upstream = v; }
	public String getJwtAlg() { return jwtAlg; }
	public void setJwtAlg(String v) { jwtAlg = v; }
	public String getJwtSecret() { return jwtSecret; }
	public void setJwtSecret(String v) { jwtSecret = v; }
	public String getJwtPublicKeyFile() { return jwtPublicKeyFile; }
	public void setJwtPublicKeyFile(String v) { jwtPublicKeyFile = v; }
	public String getJwtIssuer() { return jwtIssuer; }
	public void setJwtIssuer(String v) { jwtIssuer = v; }
	public String getFanoutDeadlineMs() { return fanoutDeadlineMs; }
	public void setFanoutDeadlineMs(String v) { fanoutDeadlineMs = v; }
	public String getUpstreamTimeoutMs() { return upstreamTimeoutMs; }
	public void setUpstreamTimeoutMs(String v) { upstreamTimeoutMs = v; }
	public String getBreakerFailures() { return breakerFailures; }
	public void setBreakerFailures(String v) { breakerFailures = v; }
	public String getBreakerCooldownMs() { return breakerCooldownMs; }
	public void setBreakerCooldownMs(String v) { breakerCooldownMs = v; }
	public String getMaxBodyBytes() { return maxBodyBytes; }
	public void setMaxBodyBytes(String v) { maxBodyBytes = v; }
	public String getMaxHeaderBytes() { return maxHeaderBytes; }
	public void setMaxHeaderBytes(String v) { maxHeaderBytes = v; }
	public String getIdleTimeoutMs() { return idleTimeoutMs; }
	public void setIdleTimeoutMs(String v) { idleTimeoutMs = v; }
}

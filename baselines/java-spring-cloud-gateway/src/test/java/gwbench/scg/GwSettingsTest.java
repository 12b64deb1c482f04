package gwbench.scg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

class GwSettingsTest {

	/** The contract's defaults, as application.yml binds them. */
	private static GwSettings defaults() {
		GwSettings s = new GwSettings();
		s.setListenHost("127.0.0.1");
		s.setListenPort("8080");
		s.setWorkers("1");
		s.setUpstream(new java.util.HashMap<>(Map.of("user-status", "http://127.0.0.1:19001", "barrage",
				"http://127.0.0.1:19002", "user", "http://127.0.0.1:19003", "interact",
				"http://127.0.0.1:19004*80,http://127.0.0.1:19005*20")));
		s.setJwtAlg("HS256");
		s.setJwtSecret("gw-bench-dev-secret-change-me-0123456789");
		s.setJwtPublicKeyFile("");
		s.setJwtIssuer("gw-bench");
		s.setFanoutDeadlineMs("150");
		s.setUpstreamTimeoutMs("1000");
		s.setBreakerFailures("5");
		s.setBreakerCooldownMs("2000");
		s.setMaxBodyBytes("1048576");
		s.setMaxHeaderBytes("16384");
		s.setIdleTimeoutMs("120000");
		return s;
	}

	@Test
	void contractDefaultsAreValid() {
		GwSettings s = defaults();
		s.validate();
		assertEquals(Duration.ofMillis(150), s.fanoutDeadline());
		assertEquals(5, s.breakerFailuresCount());
		assertEquals(2, s.service(GwSettings.INTERACT).instances().size());
		assertEquals(1048576, s.maxBody());
	}

	@Test
	void reportsEveryProblemAtOnce() {
		GwSettings s = defaults();
		s.setListenPort("http");
		s.setJwtAlg("ES256");
		s.setBreakerFailures("0");
		s.getUpstream().put("user", "http://127.0.0.1:19003*-1");
		IllegalStateException e = assertThrows(IllegalStateException.class, s::validate);
		String m = e.getMessage();
		assertTrue(m.contains("GW_LISTEN_PORT='http'"), m);
		assertTrue(m.contains("GW_JWT_ALG='ES256': expected HS256 or RS256"), m);
		assertTrue(m.contains("GW_BREAKER_FAILURES='0'"), m);
		assertTrue(m.contains("GW_UPSTREAM_USER item 'http://127.0.0.1:19003*-1'"), m);
		assertEquals(5, m.split("\n").length, m);
	}

	@Test
	void rs256NeedsAReadableKeyFile() {
		GwSettings s = defaults();
		s.setJwtAlg("RS256");
		s.setJwtPublicKeyFile("/nonexistent/key.pem");
		IllegalStateException e = assertThrows(IllegalStateException.class, s::validate);
		assertTrue(e.getMessage().contains("GW_JWT_PUBLIC_KEY_FILE='/nonexistent/key.pem': not a readable file"));
	}

	@Test
	void shortHmacSecretIsRefused() {
		GwSettings s = defaults();
		s.setJwtSecret("short");
		IllegalStateException e = assertThrows(IllegalStateException.class, s::validate);
		assertTrue(e.getMessage().contains("GW_JWT_SECRET: must be at least 32 bytes"));
	}
}

package gwbench.scg;

import java.util.List;
import java.util.Map;

import org.springframework.stereotype.Component;

/**
 * The four services' breakers, in SharedMemory (one breaker per service across every JVM on
 * the port). A half-open probe claimed by a JVM that then died is re-claimed after the
 * upstream timeout plus a second.
 */
@Component
public class Breakers {

	/** Slot order in SharedMemory: fixed, so every JVM addresses the same words. */
	static final List<String> SERVICES = List.of(GwSettings.USER_STATUS, GwSettings.BARRAGE, GwSettings.USER,
			GwSettings.INTERACT);

	private final Map<String, SharedBreaker> byService;

	public Breakers(GwSettings settings, SharedMemory shared) {
		long cooldown = settings.breakerCooldown().toNanos();
		long probeTimeout = settings.upstreamTimeout().toNanos() + 1_000_000_000L;
		int threshold = settings.breakerFailuresCount();
		Map<String, SharedBreaker> m = new java.util.HashMap<>();
		for (int i = 0; i < SERVICES.size(); i++) {
			m.put(SERVICES.get(i), new SharedBreaker(shared, i, threshold, cooldown, probeTimeout));
		}
		this.byService = Map.copyOf(m);
	}

	SharedBreaker of(String service) {
		SharedBreaker b = byService.get(service);
		if (b == null) {
			throw new IllegalArgumentException("no breaker for service " + service);
		}
		return b;
	}

	/** Every breaker closed: the warm-up's failures (e.g. upstreams not up yet) carry over nothing. */
	void resetAll() {
		byService.values().forEach(SharedBreaker::reset);
	}
}

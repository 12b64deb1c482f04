package gwbench.scg;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/**
 * One upstream service of the contract (user-status, barrage, user, interact) and its
 * weighted instances, parsed from a GW_UPSTREAM_* value: comma-separated `URL` or `URL*WEIGHT`.
 */
public record UpstreamService(String name, List<Instance> instances) {

	/** One instance: base URI (scheme://host:port, no path) and its integer weight. */
	public record Instance(URI uri, int weight) {
		/** host:port, used as the metrics label key of a connection to this instance. */
		public String hostPort() {
			return uri.getHost() + ":" + uri.getPort();
		}
	}

	/**
	 * Parses `value`; every problem is appended to `problems` (named with `variable`), and the
	 * result is null when there was any.
	 */
	public static UpstreamService parse(String name, String variable, String value, List<String> problems) {
		List<Instance> out = new ArrayList<>();
		int before = problems.size();
		if (value == null || value.isBlank()) {
			problems.add(variable + "='" + value + "': expected a comma-separated list of URL or URL*WEIGHT");
			return null;
		}
		for (String raw : value.split(",")) {
			String item = raw.trim();
			String url = item;
			int weight = 1;
			int star = item.lastIndexOf('*');
			if (star >= 0) {
				url = item.substring(0, star).trim();
				String w = item.substring(star + 1).trim();
				try {
					weight = Integer.parseInt(w);
				}
				catch (NumberFormatException e) {
					weight = -1;
				}
				if (weight < 1) {
					problems.add(variable + " item '" + item + "': weight '" + w + "' must be a positive integer");
					continue;
				}
			}
			URI uri;
			try {
				uri = URI.create(url);
			}
			catch (IllegalArgumentException e) {
				problems.add(variable + " item '" + item + "': '" + url + "' is not a URL");
				continue;
			}
			if (!"http".equals(uri.getScheme()) || uri.getHost() == null) {
				problems.add(variable + " item '" + item + "': expected http://HOST[:PORT]");
				continue;
			}
			if (uri.getRawPath() != null && !uri.getRawPath().isEmpty() && !"/".equals(uri.getRawPath())) {
				problems.add(variable + " item '" + item + "': a base URL without a path is expected");
				continue;
			}
			int port = uri.getPort() == -1 ? 80 : uri.getPort();
			out.add(new Instance(URI.create("http://" + uri.getHost() + ":" + port), weight));
		}
		return problems.size() == before ? new UpstreamService(name, List.copyOf(out)) : null;
	}

	/**
	 * The instances spread by smooth weighted round-robin (nginx's algorithm) over one cycle of
	 * the gcd-reduced weights: a round-robin walk over this list gives every instance exactly
	 * its share per cycle, interleaved (80/20 gives A A B A A), decided per request.
	 */
	public List<Instance> weightedCycle() {
		int g = 0;
		for (Instance i : instances) {
			g = gcd(g, i.weight());
		}
		int n = instances.size();
		int[] w = new int[n];
		int total = 0;
		for (int k = 0; k < n; k++) {
			w[k] = instances.get(k).weight() / g;
			total += w[k];
		}
		int[] current = new int[n];
		List<Instance> cycle = new ArrayList<>(total);
		for (int step = 0; step < total; step++) {
			int best = 0;
			for (int k = 0; k < n; k++) {
				current[k] += w[k];
				if (current[k] > current[best]) {
					best = k;
				}
			}
			current[best] -= total;
			cycle.add(instances.get(best));
		}
		return List.copyOf(cycle);
	}

	private static int gcd(int a, int b) {
		return b == 0 ? a : gcd(b, a % b);
	}
}

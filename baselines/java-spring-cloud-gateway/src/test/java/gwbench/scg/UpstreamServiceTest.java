package gwbench.scg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

class UpstreamServiceTest {

	private static UpstreamService parseOk(String value) {
		List<String> problems = new ArrayList<>();
		UpstreamService s = UpstreamService.parse("svc", "GW_UPSTREAM_X", value, problems);
		assertEquals(List.of(), problems);
		return s;
	}

	@Test
	void parsesUrlsWithAndWithoutWeights() {
		UpstreamService s = parseOk("http://127.0.0.1:19004*80, http://localhost:19005*20,http://127.0.0.1");
		assertEquals(3, s.instances().size());
		assertEquals("127.0.0.1:19004", s.instances().get(0).hostPort());
		assertEquals(80, s.instances().get(0).weight());
		assertEquals("localhost:19005", s.instances().get(1).hostPort());
		assertEquals(20, s.instances().get(1).weight());
		// No port: HTTP's 80; no weight: 1.
		assertEquals("127.0.0.1:80", s.instances().get(2).hostPort());
		assertEquals(1, s.instances().get(2).weight());
	}

	@Test
	void namesEveryBadItem() {
		List<String> problems = new ArrayList<>();
		UpstreamService s = UpstreamService.parse("svc", "GW_UPSTREAM_X",
				"http://a:1*0,ftp://b:2,http://c:3/path,http://d:4*x", problems);
		assertNull(s);
		assertEquals(4, problems.size(), problems.toString());
		assertTrue(problems.get(0).contains("'http://a:1*0'") && problems.get(0).contains("positive integer"));
		assertTrue(problems.get(1).contains("'ftp://b:2'") && problems.get(1).contains("http://HOST[:PORT]"));
		assertTrue(problems.get(2).contains("without a path"));
		assertTrue(problems.get(3).contains("weight 'x'"));
	}

	@Test
	void emptyValueIsAProblem() {
		List<String> problems = new ArrayList<>();
		assertNull(UpstreamService.parse("svc", "GW_UPSTREAM_X", " ", problems));
		assertEquals(1, problems.size());
		assertTrue(problems.get(0).startsWith("GW_UPSTREAM_X="));
	}

	@Test
	void weightedCycleIsGcdReducedAndInterleaved() {
		UpstreamService s = parseOk("http://a:1*80,http://b:2*20");
		List<String> cycle = s.weightedCycle().stream().map(UpstreamService.Instance::hostPort).toList();
		// 80/20 reduces to 4/1; smooth weighted round-robin never sends b twice in a row and
		// spreads a around it.
		assertEquals(List.of("a:1", "a:1", "b:2", "a:1", "a:1"), cycle);
	}

	@Test
	void weightedCycleGivesExactSharesForUnevenWeights() {
		UpstreamService s = parseOk("http://a:1*3,http://b:2*2,http://c:3*1");
		Map<String, Long> counts = s.weightedCycle().stream()
			.collect(Collectors.groupingBy(UpstreamService.Instance::hostPort, Collectors.counting()));
		assertEquals(Map.of("a:1", 3L, "b:2", 2L, "c:3", 1L), counts);
	}

	@Test
	void singleInstanceCycle() {
		UpstreamService s = parseOk("http://a:1*7");
		assertEquals(List.of("a:1"), s.weightedCycle().stream().map(UpstreamService.Instance::hostPort).toList());
	}

	@Test
	void roundRobinOverTheCycleMatchesWeightsOver1000Requests() {
		List<UpstreamService.Instance> cycle = parseOk("http://a:1*80,http://b:2*20").weightedCycle();
		Map<String, Long> counts = java.util.stream.IntStream.range(0, 1000)
			.mapToObj(i -> cycle.get(i % cycle.size()).hostPort())
			.collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
		assertEquals(Map.of("a:1", 800L, "b:2", 200L), counts);
	}
}

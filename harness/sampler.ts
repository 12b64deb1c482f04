import type { UpstreamStats } from '../upstream/stats.js';
import { sumCounter } from '../upstream/stats.js';
import { gatewayCounters, heapFrom, parsePrometheus, type GatewayCounters, type HeapMetrics, type HeapReading } from './prometheus.js';
import { kernelCounters, treeCpuSeconds, treePss, treeRss, type KernelCounters } from './procfs.js';

/** One reading of everything the harness watches, on the run's single clock. */
export interface Sample {
  at: number; // epoch ms
  rssBytes: number | null;
  /** PSS summed over the tree (procfs.ts treePss); read only when asked (sampleNow(true)), else undefined. */
  pssBytes?: number | null;
  processes: number | null;
  cpuSeconds: number | null;
  heap: HeapReading | null;
  gateway: GatewayCounters | null;
  upstream: { connectionsAccepted: number; requests: number; openConnections: number; connectionsActive: number } | null;
  kernel: KernelCounters;
}

export interface SamplerSources {
  pid: number | null;
  metricsUrl: string | null;
  upstreamStats: (() => Promise<UpstreamStats>) | null;
  /** Heap metrics to look for on /metrics, first match wins (the target's impl.json, or every known one for an external target). */
  heapMetrics: readonly HeapMetrics[];
}

/**
 * Samples the target's process tree (RSS from /proc), its /metrics (heap, reuse counters,
 * a cross-check), the mock upstreams' counters and kernel TCP counters, once a second.
 * A slow source never delays the next tick: each tick runs its reads concurrently.
 */
export class Sampler {
  readonly samples: Sample[] = [];
  private timer: NodeJS.Timeout | null = null;
  private inFlight: Promise<void> | null = null;
  private ticks = 0;

  /**
   * The target's /metrics is read at stage boundaries (sampleNow) and every `metricsEvery`
   * ticks otherwise: a scrape costs the target CPU (a Node cluster's primary gathers and
   * merges every worker's registry), and the harness must not load what it measures.
   * /proc readings cost the target nothing and are taken every tick.
   */
  constructor(private readonly src: SamplerSources, private readonly intervalMs = 1000, private readonly metricsEvery = 5) {}

  start(): void {
    if (this.timer) return;
    void this.tick();
    this.timer = setInterval(() => { if (!this.inFlight) void this.tick(); }, this.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.inFlight;
  }

  /** Take a sample now (stage boundaries) and return it; `withPss` also reads the tree's PSS (window ends). */
  async sampleNow(withPss = false): Promise<Sample> {
    await this.inFlight;
    await this.tick(true, withPss);
    return this.samples[this.samples.length - 1]!;
  }

  private tick(withMetrics = false, withPss = false): Promise<void> {
    const scrape = withMetrics || this.ticks++ % this.metricsEvery === 0;
    this.inFlight = (async () => {
      const at = Date.now();
      const [rss, pss, cpu, metrics, up, kernel] = await Promise.all([
        this.src.pid ? treeRss(this.src.pid).catch(() => null) : Promise.resolve(null),
        this.src.pid && withPss ? treePss(this.src.pid).catch(() => null) : Promise.resolve(undefined),
        this.src.pid ? treeCpuSeconds(this.src.pid).catch(() => null) : Promise.resolve(null),
        this.src.metricsUrl && scrape ? fetchText(this.src.metricsUrl) : Promise.resolve(null),
        this.src.upstreamStats ? this.src.upstreamStats().catch(() => null) : Promise.resolve(null),
        kernelCounters(),
      ]);
      const parsed = metrics ? parsePrometheus(metrics) : null;
      this.samples.push({
        at,
        rssBytes: rss?.rssBytes ?? null,
        ...(pss !== undefined ? { pssBytes: pss } : {}),
        processes: rss?.processes ?? null,
        cpuSeconds: cpu,
        heap: parsed ? heapFrom(parsed, this.src.heapMetrics) : null,
        gateway: parsed ? gatewayCounters(parsed) : null,
        upstream: up ? { connectionsAccepted: sumCounter(up, 'connectionsAccepted'), requests: sumCounter(up, 'requests'), openConnections: sumCounter(up, 'openConnections'), connectionsActive: sumCounter(up, 'connectionsActive') } : null,
        kernel,
      });
    })().finally(() => { this.inFlight = null; });
    return this.inFlight;
  }

  /** Samples within [from, to] (epoch ms). */
  window(from: number, to: number): Sample[] {
    return this.samples.filter((s) => s.at >= from && s.at <= to);
  }

  /** The sample nearest to an instant. */
  nearest(at: number): Sample | undefined {
    let best: Sample | undefined;
    for (const s of this.samples) if (!best || Math.abs(s.at - at) < Math.abs(best.at - at)) best = s;
    return best;
  }
}

async function fetchText(url: string): Promise<string | null> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
    return res.ok ? await res.text() : null;
  } catch {
    return null;
  }
}

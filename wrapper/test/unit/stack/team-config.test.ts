// The team tier's generated configs: the scraper config derived from prometheus/prometheus.team.yml
// (targets, remote write, Alertmanager, rules), the receive hashring and the Thanos flags.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  deriveScraperConfig,
  hashringConfig,
  queryArgs,
  receiveArgs,
  SCRAPER_FLAGS,
  windowTotal,
} from '../../../src/stack/team-config.js';
import { packageRoot } from '../../../src/stack/tools.js';

describe('deriveScraperConfig', () => {
  const base = {
    targets: ['127.0.0.1:1', '127.0.0.1:2'],
    remoteWriteUrl: 'http://127.0.0.1:3/api/v1/receive',
  };

  it('scrapes every replica as its own target and remote-writes to the given receiver', () => {
    const doc = parse(deriveScraperConfig({ ...base, scrapeInterval: '1s' }));
    expect(doc.scrape_configs).toHaveLength(1);
    expect(doc.scrape_configs[0].static_configs).toEqual([{ targets: base.targets }]);
    expect(doc.scrape_configs[0].scrape_protocols[0]).toBe('PrometheusProto');
    expect(doc.scrape_configs[0].scrape_interval).toBe('1s');
    expect(doc.remote_write).toHaveLength(1);
    expect(doc.remote_write[0].url).toBe(base.remoteWriteUrl);
  });

  it('makes rule files absolute, points alerts at Alertmanager, or leaves both out', () => {
    const withAll = parse(deriveScraperConfig({ ...base, alertmanager: '127.0.0.1:4' }));
    expect(withAll.rule_files).toEqual([path.join(packageRoot(), 'prometheus', 'rules', '*.yml')]);
    expect(withAll.alerting.alertmanagers[0].static_configs[0].targets).toEqual(['127.0.0.1:4']);
    const bare = parse(deriveScraperConfig({ ...base, rules: false }));
    expect(bare.rule_files).toBeUndefined();
    expect(bare.alerting).toBeUndefined();
  });

  it("evaluates the given rule files instead of the repo's", () => {
    const doc = parse(deriveScraperConfig({ ...base, ruleFiles: ['/tmp/budgets.yml'] }));
    expect(doc.rule_files).toEqual(['/tmp/budgets.yml']);
  });

  it('ingests created-timestamp zeros (the first-sample answer) in server mode', () => {
    expect(SCRAPER_FLAGS.join(' ')).toContain('created-timestamp-zero-ingestion');
    expect(SCRAPER_FLAGS).not.toContain('--agent');
  });
});

describe('Thanos', () => {
  it('puts every receive node in one hashring', () => {
    expect(JSON.parse(hashringConfig(['a:1', 'b:2']))).toEqual([
      { hashring: 'default', tenants: [], endpoints: ['a:1', 'b:2'] },
    ]);
  });

  it('runs each receive node as router and ingester with its own label and replication 1', () => {
    const args = receiveArgs(
      { index: 2, grpc: 'h:1', http: 'h:2', remoteWrite: 'h:3', capnproto: 'h:4', dataDir: '/d' },
      '/ring.json',
    );
    expect(args).toContain('--receive.local-endpoint=h:1');
    expect(args).toContain('--receive.replication-factor=1');
    expect(args).toContain('--label=receive="2"');
  });

  it('queries with the engine that has xincrease, merging a series across receive nodes', () => {
    const args = queryArgs('h:1', 'h:2', ['s:1', 's:2']);
    expect(args).toEqual(expect.arrayContaining(['--endpoint=s:1', '--endpoint=s:2']));
    expect(args).toContain('--query.promql-engine=thanos');
    expect(args).toContain('--query.enable-x-functions');
    expect(args).toContain('--query.replica-label=receive');
    expect(windowTotal('x{a="b"}', '1d')).toBe('xincrease(x{a="b"}[1d])');
  });
});

import { describe, expect, it } from 'vitest';
import { maskUrl, parsePrometheusUrl } from '../../src/prometheus/url.js';

describe('maskUrl', () => {
  it.each([
    ['http://127.0.0.1:9090', 'http://127.0.0.1:9090'],
    ['https://admin:s3cret@prom.example.com/prometheus', 'https://admin:***@prom.example.com/prometheus'],
    ['https://tok3n@prom.example.com', 'https://***@prom.example.com'],
    ['http://a%40b:p%3Ass@host:9090/', 'http://a%40b:***@host:9090/'],
    ['cannot reach Prometheus at http://u:pw@h:1 (and https://x:y@z)', 'cannot reach Prometheus at http://u:***@h:1 (and https://x:***@z)'],
    ['not a url user:pw@host', 'not a url user:pw@host'],
    ['http://host/path?email=a@b', 'http://host/path?email=a@b'],
  ])('%s → %s', (input, masked) => {
    expect(maskUrl(input)).toBe(masked);
  });
});

describe('parsePrometheusUrl', () => {
  it('takes basic auth out of the URL', () => {
    expect(parsePrometheusUrl('https://ops%40corp:p%40ss@prom.example.com/prometheus/')).toEqual({
      base: 'https://prom.example.com/prometheus',
      display: 'https://ops%40corp:***@prom.example.com/prometheus',
      basicAuth: { username: 'ops@corp', password: 'p@ss' },
    });
  });

  it('leaves a plain URL alone', () => {
    expect(parsePrometheusUrl('http://127.0.0.1:9090/')).toEqual({ base: 'http://127.0.0.1:9090', display: 'http://127.0.0.1:9090', basicAuth: undefined });
  });

  it.each([
    ['127.0.0.1:9090', 'Prometheus URL "127.0.0.1:9090" is not a URL: did you mean http://127.0.0.1:9090?'],
    ['localhost:9090', 'Prometheus URL "localhost:9090" must start with http:// or https://'],
    ['prometheus', 'Prometheus URL "prometheus" is not a URL: give one such as http://127.0.0.1:9090'],
    ['ftp://u:pw@host', 'Prometheus URL "ftp://u:***@host" must start with http:// or https://'],
  ])('rejects %s in one line, credentials masked', (input, message) => {
    expect(() => parsePrometheusUrl(input)).toThrow(message);
  });
});

import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { ipv6Bytes, isLoopbackAddress, isPublicAddress, policyFor, resolveTarget, urlProblem, AddressRefused } from './webhook-address.js';
import { createSender } from './webhook-sender.js';

describe('isPublicAddress', () => {
  it.each([
    '0.0.0.0', '10.1.2.3', '100.64.0.1', '127.0.0.1', '127.255.0.9', '169.254.169.254', '172.16.0.1', '172.31.255.255', '192.0.0.8', '192.0.2.1',
    '192.168.1.1', '198.18.0.1', '198.51.100.7', '203.0.113.9', '224.0.0.1', '239.1.1.1', '240.0.0.1', '255.255.255.255',
  ])('refuses the IPv4 %s', (a) => expect(isPublicAddress(a)).toBe(false));

  it.each(['1.1.1.1', '8.8.8.8', '93.184.216.34', '172.32.0.1', '100.128.0.1', '11.0.0.1', '192.169.0.1'])('allows the IPv4 %s', (a) =>
    expect(isPublicAddress(a)).toBe(true));

  it.each([
    '::', '::1', 'fe80::1', 'fe80::1%eth0', 'fc00::1', 'fd12:3456::1', 'ff02::1', '2001:db8::1', '2001::1', '100::1', '::1:2',
    // IPv4 carried in IPv6: checked as the IPv4 it carries
    '::ffff:127.0.0.1', '::ffff:10.0.0.1', '::ffff:a00:1', '::ffff:169.254.169.254', '::ffff:7f00:1', '::10.0.0.1', '64:ff9b::10.0.0.1', '64:ff9b::a9fe:a9fe', '2002:a00:1::1',
  ])('refuses the IPv6 %s', (a) => expect(isPublicAddress(a)).toBe(false));

  it.each(['2606:4700:4700::1111', '2a00:1450:4001:80b::200e', '::ffff:8.8.8.8', '64:ff9b::808:808', '2002:808:808::1'])('allows the IPv6 %s', (a) =>
    expect(isPublicAddress(a)).toBe(true));

  it('refuses what is not an address', () => {
    for (const a of ['', 'localhost', '1.2.3', '1.2.3.4.5', '::g', 'example.com']) expect(isPublicAddress(a)).toBe(false);
  });
});

describe('isLoopbackAddress', () => {
  it('knows 127/8, ::1 and IPv4 loopback in IPv6', () => {
    for (const a of ['127.0.0.1', '127.1.2.3', '::1', '0:0:0:0:0:0:0:1', '::ffff:127.0.0.1', '::ffff:7f00:1']) expect(isLoopbackAddress(a)).toBe(true);
    for (const a of ['128.0.0.1', '10.0.0.1', '::', '::2', '::ffff:10.0.0.1', 'fe80::1', 'localhost']) expect(isLoopbackAddress(a)).toBe(false);
  });
  it('parses IPv6 to 16 bytes', () => {
    expect(ipv6Bytes('::ffff:10.0.0.1')).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 10, 0, 0, 1]);
    expect(ipv6Bytes('2001:db8::8:800:200c:417a')).toEqual([0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 8, 8, 0, 0x20, 0x0c, 0x41, 0x7a]);
    expect(ipv6Bytes('1.2.3.4')).toBeNull();
  });
});

describe('urlProblem', () => {
  it('outside production allows loopback only, http or https', () => {
    expect(policyFor('test')).toBe('loopback-only');
    for (const ok of ['http://127.0.0.1:8080/hook', 'https://127.0.0.1/x', 'http://localhost:3000/', 'http://[::1]:9/x']) expect(urlProblem(ok, 'loopback-only')).toBeNull();
    for (const bad of ['https://example.com/hook', 'http://10.0.0.1/', 'http://[::ffff:10.0.0.1]/', 'ftp://127.0.0.1/', 'http://u:p@127.0.0.1/', 'nope', 'http://127.0.0.1/#x']) {
      expect(urlProblem(bad, 'loopback-only')).not.toBeNull();
    }
  });
  it('in production requires https to a public host', () => {
    expect(policyFor('production')).toBe('public-only');
    expect(urlProblem('https://hooks.example.com/centavo', 'public-only')).toBeNull();
    expect(urlProblem('https://93.184.216.34/x', 'public-only')).toBeNull();
    for (const bad of ['http://hooks.example.com/x', 'https://127.0.0.1/x', 'https://localhost/x', 'https://[::1]/x', 'https://10.0.0.1/x', 'https://[::ffff:192.168.0.1]/x', 'https://intranet/x', 'https://169.254.169.254/']) {
      expect([bad, urlProblem(bad, 'public-only')]).not.toEqual([bad, null]);
    }
  });
});

describe('resolveTarget', () => {
  const resolver = (answers: Record<string, string[]>) => async (host: string) => (answers[host] ?? []).map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));

  it('checks every address a name resolves to (one private address refuses the name)', async () => {
    const resolve = resolver({ 'ok.example': ['93.184.216.34', '2606:4700::1'], 'mixed.example': ['93.184.216.34', '10.0.0.1'], 'mapped.example': ['::ffff:169.254.169.254'] });
    await expect(resolveTarget(new URL('https://ok.example/x'), 'public-only', resolve)).resolves.toEqual({ address: '93.184.216.34', family: 4 });
    await expect(resolveTarget(new URL('https://mixed.example/x'), 'public-only', resolve)).rejects.toBeInstanceOf(AddressRefused);
    await expect(resolveTarget(new URL('https://mapped.example/x'), 'public-only', resolve)).rejects.toBeInstanceOf(AddressRefused);
    await expect(resolveTarget(new URL('https://none.example/x'), 'public-only', resolve)).rejects.toBeInstanceOf(AddressRefused);
  });

  it('outside production a name must resolve to loopback only', async () => {
    const resolve = resolver({ localhost: ['127.0.0.1', '::1'], 'rebind.test': ['127.0.0.1', '192.168.0.10'] });
    await expect(resolveTarget(new URL('http://localhost:1/x'), 'loopback-only', resolve)).resolves.toEqual({ address: '127.0.0.1', family: 4 });
    await expect(resolveTarget(new URL('http://rebind.test/x'), 'loopback-only', resolve)).rejects.toBeInstanceOf(AddressRefused);
  });

  it('the sender connects to the checked address, not to a second lookup of the name', async () => {
    const server = createServer((req, res) => res.writeHead(200).end(req.headers.host));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    let lookups = 0;
    // First answer loopback (checked), any later one elsewhere: the request must still reach 127.0.0.1.
    const resolve = async () => [{ address: lookups++ === 0 ? '127.0.0.1' : '10.9.9.9', family: 4 }];
    const send = createSender({ policy: 'loopback-only', timeoutMs: 2000, resolve });
    const result = await send({ url: `http://rebinding.test:${port}/hook`, secret: 's', eventId: 'e', eventType: 't', body: '{}' });
    server.close();
    expect(result).toEqual({ ok: true, statusCode: 200 });
    expect(lookups).toBe(1);
    const refused = await createSender({ policy: 'public-only', timeoutMs: 2000, resolve: async () => [{ address: '127.0.0.1', family: 4 }] })({
      url: `https://rebinding.test:${port}/hook`, secret: 's', eventId: 'e', eventType: 't', body: '{}',
    });
    expect(refused).toMatchObject({ ok: false, statusCode: null });
  });
});

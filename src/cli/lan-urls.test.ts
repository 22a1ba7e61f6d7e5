import assert from 'node:assert/strict';
import type { NetworkInterfaceInfo } from 'node:os';
import { describe, it } from 'node:test';
import { lanUrls } from './lan-urls.js';

const v4 = (address: string, internal = false) =>
  ({ address, family: 'IPv4', internal, netmask: '', mac: '', cidr: null }) as NetworkInterfaceInfo;
const v6 = (address: string) =>
  ({
    address,
    family: 'IPv6',
    internal: false,
    netmask: '',
    mac: '',
    cidr: null,
    scopeid: 0,
  }) as NetworkInterfaceInfo;

describe('lanUrls', () => {
  it('lists the machine’s own addresses when bound to every interface', () =>
    assert.deepEqual(lanUrls({ lo: [v4('127.0.0.1', true)], eth0: [v4('192.168.1.5')] }, '0.0.0.0', 8000), [
      'http://192.168.1.5:8000',
    ]));
  it('leaves out link-local addresses', () =>
    assert.deepEqual(lanUrls({ eth0: [v4('169.254.3.4'), v6('fe80::1')] }, '::', 8000), []));
  it('adds IPv6 addresses when bound to ::', () =>
    assert.deepEqual(lanUrls({ eth0: [v4('192.168.1.5'), v6('fe80::1'), v6('2001:db8::5')] }, '::', 80), [
      'http://192.168.1.5:80',
      'http://[2001:db8::5]:80',
    ]));
  it('lists nothing for a loopback-bound server', () =>
    assert.deepEqual(lanUrls({ eth0: [v4('192.168.1.5')] }, '127.0.0.1', 8000), []));
});

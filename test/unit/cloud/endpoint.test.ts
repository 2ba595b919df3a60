import { expect } from 'chai';
import { resolveEndpoint } from '../../../src/cloud/endpoint.js';

describe('cloud endpoint', () => {
  it('uses the region\'s CS endpoint over https by default', () => {
    expect(resolveEndpoint('cn-hangzhou')).to.deep.equal({ host: 'cs.cn-hangzhou.aliyuncs.com', protocol: 'https' });
  });

  it('takes an override such as the local simulator', () => {
    expect(resolveEndpoint('cn-hangzhou', 'http://127.0.0.1:18080')).to.deep.equal({ host: '127.0.0.1:18080', protocol: 'http' });
    expect(resolveEndpoint('cn-hangzhou', 'cs-vpc.cn-hangzhou.aliyuncs.com')).to.deep.equal({ host: 'cs-vpc.cn-hangzhou.aliyuncs.com', protocol: 'https' });
  });

  it('refuses plain http to anything but loopback, so AccessKeys never travel unencrypted', () => {
    expect(() => resolveEndpoint('cn-hangzhou', 'http://cs.example.com')).to.throw(/only allowed for loopback/);
  });
});

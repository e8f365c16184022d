import type { Request } from 'express';
import { userOf } from './authn';

const requestOn = (socket: object): Request => ({ socket } as unknown as Request);

describe('client-certificate authentication', () => {
  test('the user comes from CN and O, read once per TLS connection', () => {
    const getPeerCertificate = jest.fn(() => ({ subject: { CN: 'alice', O: ['dev', 'ops'] } }));
    const socket = { authorized: true, getPeerCertificate };
    expect(userOf(requestOn(socket))).toEqual({ name: 'alice', groups: ['dev', 'ops'] });
    expect(userOf(requestOn(socket))).toEqual({ name: 'alice', groups: ['dev', 'ops'] });
    expect(getPeerCertificate).toHaveBeenCalledTimes(1);
    // Another connection is authenticated on its own.
    const other = { authorized: true, getPeerCertificate: jest.fn(() => ({ subject: { CN: 'bob' } })) };
    expect(userOf(requestOn(other))).toEqual({ name: 'bob', groups: [] });
  });

  test('a connection without a verified certificate has no user, every time', () => {
    const getPeerCertificate = jest.fn(() => ({}));
    const socket = { authorized: false, getPeerCertificate };
    expect(userOf(requestOn(socket))).toBeUndefined();
    expect(userOf(requestOn(socket))).toBeUndefined();
    expect(getPeerCertificate).not.toHaveBeenCalled();
  });
});

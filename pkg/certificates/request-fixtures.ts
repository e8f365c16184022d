// Certificate requests made on the spot, for tests of the certificates API and its signer.
import 'reflect-metadata'; // @peculiar/x509's DI container (tsyringe) needs the Reflect metadata API
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import './csr'; // sets @peculiar/x509's crypto provider

const alg = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };

/** A PEM request, base64 as spec.request carries it. */
export const requestFor = async (subject: string, sans?: string[]): Promise<string> => {
  const keys = await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify']);
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({
    name: subject, keys, signingAlgorithm: alg,
    extensions: sans ? [new x509.SubjectAlternativeNameExtension(sans.map((value) => ({ type: 'dns' as const, value })))] : [],
  });
  return Buffer.from(csr.toString('pem')).toString('base64');
};


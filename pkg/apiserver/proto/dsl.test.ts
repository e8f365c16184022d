import { buildRegistry, kubeBuiltins, parseField } from './dsl';
import { kubeProtoRegistry, kubePackage, protobufKinds } from '.';

describe('parseField', () => {
  it.each([
    ['1 string', { id: 1, type: 'string', repeated: false, pointer: false, inline: false }],
    ['13 OwnerReference[]', { id: 13, type: 'OwnerReference', repeated: true, pointer: false, inline: false }],
    ['1 int32*', { id: 1, type: 'int32', repeated: false, pointer: true, inline: false }],
    ['2 VolumeSource^', { id: 2, type: 'VolumeSource', repeated: false, pointer: false, inline: true }],
    ['1 map<string,Quantity>', { id: 1, type: 'Quantity', mapValue: 'Quantity', repeated: false, pointer: false, inline: false }],
  ])('%s', (spec, info) => expect(parseField(spec)).toEqual(info));
  it('refuses a malformed spec', () => expect(() => parseField('string 1')).toThrow('bad field spec'));
});

describe('buildRegistry', () => {
  it('refuses a field number used twice and a message defined twice', () => {
    expect(() => buildRegistry('t', { A: { a: '1 string', b: '1 string' } })).toThrow('field number 1 used twice');
    expect(() => buildRegistry('t', { A: {} }, { A: {} })).toThrow('defined twice');
  });
  it('refuses a type that does not exist', () => {
    expect(() => buildRegistry('t', kubeBuiltins, { A: { a: '1 Missing' } })).toThrow();
  });
  it('resolves every message a served kind reaches', () => {
    const reg = kubeProtoRegistry();
    for (const message of protobufKinds.values()) expect(reg.root.lookupType(`${kubePackage}.${message}`).fieldsArray.length).toBeGreaterThan(0);
  });
});

import { Stack, Token } from 'aws-cdk-lib';
import { Endpoint } from '../lib';

describe('Endpoint', () => {
  test('literal hostname and port', () => {
    const endpoint = new Endpoint('cache.example.com', 11211);
    expect(endpoint.hostname).toBe('cache.example.com');
    expect(endpoint.port).toBe(11211);
    expect(endpoint.portAsString).toBe('11211');
    expect(endpoint.socketAddress).toBe('cache.example.com:11211');
  });

  test('a token port renders through portAsString and socketAddress', () => {
    const stack = new Stack();
    const endpoint = new Endpoint(Token.asString({ 'Fn::GetAtt': ['Cache', 'Address'] }),
      Token.asNumber({ 'Fn::GetAtt': ['Cache', 'Port'] }));
    expect(stack.resolve(endpoint.port)).toEqual({ 'Fn::GetAtt': ['Cache', 'Port'] });
    expect(stack.resolve(endpoint.portAsString)).toEqual({ 'Fn::GetAtt': ['Cache', 'Port'] });
    expect(stack.resolve(endpoint.socketAddress)).toEqual({ 'Fn::Join': ['', [
      { 'Fn::GetAtt': ['Cache', 'Address'] }, ':', { 'Fn::GetAtt': ['Cache', 'Port'] }]] });
  });
});

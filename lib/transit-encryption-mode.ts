/**
 * How encryption in transit treats clients that do not use TLS.
 */
export enum TransitEncryptionMode {
  /** Only TLS connections are accepted. */
  REQUIRED = 'required',
  /**
   * TLS and plaintext connections are both accepted: the step in between when turning TLS on for an
   * existing cache (Valkey 7.2+, Redis OSS 7.0+). Move the clients to TLS, then set `REQUIRED`.
   */
  PREFERRED = 'preferred',
}

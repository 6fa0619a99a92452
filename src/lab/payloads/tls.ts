// TLS identities of the simulated web servers. Self-signed, generated once for the lab with
//   openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 36500 \
//     -subj "/C=CN/ST=ZheJiang/L=HangZhou/O=HIKVISION/OU=DVRNVR/CN=www.hikvision.com"
// The subject is the one recog lists for Hikvision DVR/NVR firmware (x509_subjects.xml, research §3.5); the key
// protects nothing (it lives only in lab namespaces on 198.18.0.0/15).

export interface LabTlsIdentity {
  readonly key: string;
  readonly cert: string;
}

export const LAB_TLS: Readonly<Record<'hikvision', LabTlsIdentity>> = {
  hikvision: {
    key: `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgaAAWJkaal1UMdfLz
hcUtFWOfC2x3LerSQoNpqH56q8+hRANCAARx14e6pyN0ecdCyqj9KH4phX9OFf1O
lG+qkG90qUcU9ZhWxrRkFxnPg3rH/GK/AWGxRBapddeTs2nXxkYMQ/2g
-----END PRIVATE KEY-----
`,
    cert: `-----BEGIN CERTIFICATE-----
MIICPzCCAeWgAwIBAgIUXuYU7Bizm7DIDMtVSxLt7zpOWJowCgYIKoZIzj0EAwIw
dDELMAkGA1UEBhMCQ04xETAPBgNVBAgMCFpoZUppYW5nMREwDwYDVQQHDAhIYW5n
WmhvdTESMBAGA1UECgwJSElLVklTSU9OMQ8wDQYDVQQLDAZEVlJOVlIxGjAYBgNV
BAMMEXd3dy5oaWt2aXNpb24uY29tMCAXDTI2MTIwMjA3NDkzOFoYDzIxMjYxMTA4
MDc0OTM4WjB0MQswCQYDVQQGEwJDTjERMA8GA1UECAwIWmhlSmlhbmcxETAPBgNV
BAcMCEhhbmdaaG91MRIwEAYDVQQKDAlISUtWSVNJT04xDzANBgNVBAsMBkRWUk5W
UjEaMBgGA1UEAwwRd3d3Lmhpa3Zpc2lvbi5jb20wWTATBgcqhkjOPQIBBggqhkjO
PQMBBwNCAARx14e6pyN0ecdCyqj9KH4phX9OFf1OlG+qkG90qUcU9ZhWxrRkFxnP
g3rH/GK/AWGxRBapddeTs2nXxkYMQ/2go1MwUTAdBgNVHQ4EFgQUwY3qLwMu0xKi
58NhNck7+BfshlQwHwYDVR0jBBgwFoAUwY3qLwMu0xKi58NhNck7+BfshlQwDwYD
VR0TAQH/BAUwAwEB/zAKBggqhkjOPQQDAgNIADBFAiEAw6P8tMnQbcvSrJO6136l
e7mH4CQd8w2bqSpHUfiU9UACICoke1j3uC+l6VhJq4bBSGBNI7sB0PqKMhuDKrIY
cgUy
-----END CERTIFICATE-----
`,
  },
};

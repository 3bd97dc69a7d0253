package bench

// The raw primitive under m2mauth's asymmetric rows: OpenSSL's EVP_DigestSign / EVP_DigestVerify with a
// parsed key and a reused context, n operations in one cgo call (so no binding cost is in the figure).
// BenchmarkPrimitive sets it against Go's crypto/ed25519 and crypto/ecdsa over the same message: where
// Go's own primitive is faster than OpenSSL's, no binding of OpenSSL can win that row.

/*
#cgo pkg-config: libcrypto
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <stdlib.h>

static EVP_PKEY *prim_load(const char *pem, int len) {
  BIO *b = BIO_new_mem_buf(pem, len);
  EVP_PKEY *k = b ? PEM_read_bio_PrivateKey(b, NULL, NULL, NULL) : NULL;
  BIO_free(b);
  return k;
}

// n signatures (verify = 0) or n verifications of one signature (verify = 1); 1 when all succeeded.
static int prim_run(EVP_PKEY *k, int ed25519, const unsigned char *msg, int msg_len, long n, int verify) {
  unsigned char sig[256];
  size_t sig_len = sizeof sig;
  const EVP_MD *md = ed25519 ? NULL : EVP_sha256();
  EVP_MD_CTX *c = EVP_MD_CTX_new();
  int ok = c != NULL && EVP_DigestSignInit(c, NULL, md, NULL, k) == 1 &&
           EVP_DigestSign(c, sig, &sig_len, msg, (size_t)msg_len) == 1;
  for (long i = 0; ok && i < n; i++) {
    if (verify) {
      ok = EVP_DigestVerifyInit(c, NULL, md, NULL, k) == 1 && EVP_DigestVerify(c, sig, sig_len, msg, (size_t)msg_len) == 1;
    } else {
      size_t l = sizeof sig;
      ok = EVP_DigestSignInit(c, NULL, md, NULL, k) == 1 && EVP_DigestSign(c, sig, &l, msg, (size_t)msg_len) == 1;
    }
  }
  EVP_MD_CTX_free(c);
  return ok;
}
*/
import "C"

import (
	"errors"
	"runtime"
	"unsafe"
)

// opensslKey is a parsed OpenSSL private key (freed by its finalizer).
type opensslKey struct {
	k       *C.EVP_PKEY
	ed25519 bool
}

func newOpenSSLKey(pem []byte, ed25519 bool) (*opensslKey, error) {
	cs := C.CBytes(pem)
	defer C.free(cs)
	k := C.prim_load((*C.char)(cs), C.int(len(pem)))
	if k == nil {
		return nil, errors.New("OpenSSL cannot read the key")
	}
	o := &opensslKey{k: k, ed25519: ed25519}
	runtime.SetFinalizer(o, func(o *opensslKey) { C.EVP_PKEY_free(o.k) })
	return o, nil
}

// run signs (or verifies) msg n times in one cgo call.
func (o *opensslKey) run(msg []byte, n int, verify bool) error {
	ed, v := C.int(0), C.int(0)
	if o.ed25519 {
		ed = 1
	}
	if verify {
		v = 1
	}
	ok := C.prim_run(o.k, ed, (*C.uchar)(unsafe.Pointer(&msg[0])), C.int(len(msg)), C.long(n), v)
	runtime.KeepAlive(o)
	if ok != 1 {
		return errors.New("OpenSSL operation failed")
	}
	return nil
}

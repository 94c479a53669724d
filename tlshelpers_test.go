//go:build unix

package asyncio_test

// Helpers of the TLS tests: certificates made at run time with crypto/x509,
// no files.

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/asyncio-go/asyncio"
)

// testPKI is a certificate authority and a server certificate it signed for
// "localhost" and 127.0.0.1.
type testPKI struct {
	roots *x509.CertPool
	cert  tls.Certificate
}

var (
	pkiOnce sync.Once
	pki     testPKI
	pkiErr  error
)

// newTestPKI returns the tests' certificates, made once per process.
func newTestPKI(t testing.TB) testPKI {
	t.Helper()
	pkiOnce.Do(func() { pki, pkiErr = makeTestPKI() })
	if pkiErr != nil {
		t.Fatal(pkiErr)
	}
	return pki
}

func makeTestPKI() (testPKI, error) {
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return testPKI{}, err
	}
	now := time.Now()
	ca := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "asyncio-go test CA"},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(24 * time.Hour),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, ca, ca, &caKey.PublicKey, caKey)
	if err != nil {
		return testPKI{}, err
	}
	caCert, err := x509.ParseCertificate(caDER)
	if err != nil {
		return testPKI{}, err
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return testPKI{}, err
	}
	leaf := &x509.Certificate{
		SerialNumber: big.NewInt(2),
		Subject:      pkix.Name{CommonName: "localhost"},
		DNSNames:     []string{"localhost"},
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1)},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.Add(24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, leaf, caCert, &key.PublicKey, caKey)
	if err != nil {
		return testPKI{}, err
	}
	roots := x509.NewCertPool()
	roots.AddCert(caCert)
	return testPKI{roots: roots, cert: tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}}, nil
}

// server returns a server Config with the test certificate.
func (p testPKI) server() *tls.Config {
	return &tls.Config{Certificates: []tls.Certificate{p.cert}}
}

// client returns a client Config that trusts the test CA.
func (p testPKI) client() *tls.Config {
	return &tls.Config{RootCAs: p.roots}
}

// awaitNoFDLeak is checkNoFDLeak for a test whose loop still has to close
// what it holds: it sleeps on the loop, not the goroutine, between looks.
func awaitNoFDLeak(ctx context.Context, t testing.TB, before int) {
	t.Helper()
	deadline := time.Now().Add(2 * time.Second)
	for {
		after := openFDs(t)
		if after <= before {
			return
		}
		if time.Now().After(deadline) {
			t.Errorf("%d file descriptors open, %d before: %d leaked", after, before, after-before)
			return
		}
		if err := asyncio.Sleep(ctx, 10*time.Millisecond); err != nil {
			t.Fatal(err)
		}
	}
}

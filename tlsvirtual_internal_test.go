//go:build unix

package asyncio

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"math/big"
	"testing"
	"time"
)

// recvProtocol keeps what it receives.
type recvProtocol struct{ got []byte }

func (p *recvProtocol) ConnectionMade(Transport) {}
func (p *recvProtocol) DataReceived(data []byte) { p.got = append(p.got, data...) }
func (p *recvProtocol) EOFReceived() bool        { return false }
func (p *recvProtocol) ConnectionLost(error)     {}
func (p *recvProtocol) PauseWriting()            {}
func (p *recvProtocol) ResumeWriting()           {}

func selfSignedForTest(t *testing.T) (tls.Certificate, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "localhost"}, DNSNames: []string{"localhost"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign, IsCA: true, BasicConstraintsValid: true,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	roots := x509.NewCertPool()
	roots.AddCert(cert)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, roots
}

// TestTLSHandshakeOnTheVirtualClock runs TLS over in-memory transports, so
// that no fd ties the virtual clock to real time: a handshake goroutine
// waiting for a peer that never answers does not hold the clock (its
// one-hour timeout fires at once in real time), and one with work to do
// does (a handshake between two ends on the loop completes, the clock
// waiting for it rather than jumping or reporting a deadlock).
func TestTLSHandshakeOnTheVirtualClock(t *testing.T) {
	cert, roots := selfSignedForTest(t)
	ccfg := &tls.Config{RootCAs: roots, ServerName: "localhost"}
	scfg := &tls.Config{Certificates: []tls.Certificate{cert}}
	err := Run(func(ctx context.Context) error {
		l, err := GetRunningLoop(ctx)
		if err != nil {
			return err
		}
		silent := newTLSTransport(l, ccfg.Clone(), false, &recvProtocol{})
		silent.hsTimeout = time.Hour
		l.own(silent)
		newMemPipe(l, silent.side, &recvProtocol{}, 0)
		start, wall := l.Time(), time.Now()
		err = awaitHandshake(ctx, l, silent)
		if !errors.Is(err, ErrTimeout) {
			t.Errorf("a handshake nobody answers: %v, want a timeout", err)
		}
		if d := l.Time() - start; d < time.Hour {
			t.Errorf("it timed out after %v of loop time, want an hour", d)
		}
		if d := time.Since(wall); d > 30*time.Second {
			t.Errorf("the hour took %v of real time: the waiting goroutine held the virtual clock", d)
		}

		got := &recvProtocol{}
		client := newTLSTransport(l, ccfg.Clone(), false, &recvProtocol{})
		server := newTLSTransport(l, scfg.Clone(), true, got)
		l.own(client)
		l.own(server)
		newMemPipe(l, client.side, server.side, 0)
		if err := awaitHandshake(ctx, l, client); err != nil {
			return err
		}
		if err := client.Write([]byte("over memory")); err != nil {
			return err
		}
		for range 100 {
			if string(got.got) == "over memory" {
				break
			}
			if err := Sleep(ctx, time.Millisecond); err != nil {
				return err
			}
		}
		if string(got.got) != "over memory" {
			t.Errorf("the server received %q", got.got)
		}
		_ = client.Close()
		return Sleep(ctx, time.Millisecond)
	}, WithVirtualClock())
	if err != nil {
		t.Fatal(err)
	}
}

//go:build unix

package asyncio_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"math/big"
	"time"

	"github.com/asyncio-go/asyncio"
)

// selfSigned makes a certificate for host, signed by its own key, and the
// pool a client trusts it with: what a test or an example needs, no files.
func selfSigned(host string) (tls.Certificate, *x509.CertPool, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: host},
		DNSNames:              []string{host},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(24 * time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IsCA:                  true,
		BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	roots := x509.NewCertPool()
	roots.AddCert(cert)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, roots, nil
}

// This example is the asyncio docs' TCP echo client and server with ssl=:
// StartServer and OpenConnection take WithTLS, and the streams are the same.
func ExampleWithTLS() {
	cert, roots, err := selfSigned("localhost")
	if err != nil {
		fmt.Println(err)
		return
	}
	handle := func(ctx context.Context, r *asyncio.StreamReader, w *asyncio.StreamWriter) error {
		data, err := r.Read(ctx, 100)
		if err != nil {
			return err
		}
		fmt.Printf("Received %q over %v\n", data, w.GetExtraInfo("tlsversion"))
		fmt.Printf("Send: %q\n", data)
		if err := w.Write(data); err != nil {
			return err
		}
		if err := w.Drain(ctx); err != nil {
			return err
		}
		fmt.Println("Close the connection")
		return w.Close()
	}
	err = asyncio.Run(func(ctx context.Context) error {
		srv, err := asyncio.StartServer(ctx, handle, "tcp", "127.0.0.1:0",
			asyncio.WithTLS(&tls.Config{Certificates: []tls.Certificate{cert}}))
		if err != nil {
			return err
		}
		defer srv.Close()
		r, w, err := asyncio.OpenConnection(ctx, "tcp", srv.Sockets()[0].String(),
			asyncio.WithTLS(&tls.Config{RootCAs: roots}), asyncio.WithServerHostname("localhost"))
		if err != nil {
			return err
		}
		message := "Hello World!"
		fmt.Printf("Send: %q\n", message)
		if err := w.Write([]byte(message)); err != nil {
			return err
		}
		data, err := r.Read(ctx, 100)
		if err != nil {
			return err
		}
		fmt.Printf("Received: %q\n", data)
		fmt.Println("Close the connection")
		if err := w.Close(); err != nil {
			return err
		}
		return w.WaitClosed(ctx)
	})
	if err != nil {
		fmt.Println(err)
	}
	// Output:
	// Send: "Hello World!"
	// Received "Hello World!" over TLS 1.3
	// Send: "Hello World!"
	// Close the connection
	// Received: "Hello World!"
	// Close the connection
}

// This example upgrades a plain connection to TLS after a STARTTLS
// exchange, as SMTP and IMAP do: both ends call StreamWriter.StartTLS once
// the command is acknowledged, the server with WithServerSide(true).
func ExampleStreamWriter_StartTLS() {
	cert, roots, err := selfSigned("localhost")
	if err != nil {
		fmt.Println(err)
		return
	}
	handle := func(ctx context.Context, r *asyncio.StreamReader, w *asyncio.StreamWriter) error {
		if _, err := r.ReadLine(ctx); err != nil { // STARTTLS
			return err
		}
		if err := w.Write([]byte("220 ready\n")); err != nil {
			return err
		}
		cfg := &tls.Config{Certificates: []tls.Certificate{cert}}
		if err := w.StartTLS(ctx, cfg, asyncio.WithServerSide(true)); err != nil {
			return err
		}
		line, err := r.ReadLine(ctx)
		if err != nil {
			return err
		}
		fmt.Printf("server read %q over TLS\n", line)
		return w.Write([]byte("250 ok\n"))
	}
	err = asyncio.Run(func(ctx context.Context) error {
		srv, err := asyncio.StartServer(ctx, handle, "tcp", "127.0.0.1:0")
		if err != nil {
			return err
		}
		defer srv.Close()
		r, w, err := asyncio.OpenConnection(ctx, "tcp", srv.Sockets()[0].String())
		if err != nil {
			return err
		}
		defer w.Close()
		if err := w.Write([]byte("STARTTLS\n")); err != nil {
			return err
		}
		reply, err := r.ReadLine(ctx)
		if err != nil {
			return err
		}
		fmt.Printf("client read %q in the clear\n", reply)
		if err := w.StartTLS(ctx, &tls.Config{RootCAs: roots}, asyncio.WithServerHostname("localhost")); err != nil {
			return err
		}
		if err := w.Write([]byte("MAIL FROM:<a@example.com>\n")); err != nil {
			return err
		}
		reply, err = r.ReadLine(ctx)
		if err != nil {
			return err
		}
		fmt.Printf("client read %q over TLS\n", reply)
		return nil
	})
	if err != nil {
		fmt.Println(err)
	}
	// Output:
	// client read "220 ready\n" in the clear
	// server read "MAIL FROM:<a@example.com>\n" over TLS
	// client read "250 ok\n" over TLS
}

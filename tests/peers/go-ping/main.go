// go-ping is the tests' real Go profile source: a tiny HTTP server with the
// article's /ping handler and Go's own net/http/pprof endpoints, standard
// library only. It binds 127.0.0.1 (port 0 by default: the kernel picks),
// prints "listening on HOST:PORT" once ready, keeps itself busy so every
// profile kind has samples (CPU work, allocations, mutex contention, channel
// blocking), and exits on its own after -lifetime so a test that dies cannot
// leave it running.
//
// For `flamekit torch`'s tests it can also load itself (-selfload N: N
// clients calling the article's /ping-stats handler, whose statsd Timing call
// the compiler inlines), stay idle (-idle: no busy work, block and mutex
// profiling off), enforce a WriteTimeout (-write-timeout: Go then refuses
// long CPU profiles with 400), and serve broken answers under /fault/ (500,
// an empty body, a response that never comes).
package main

import (
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	_ "net/http/pprof"
	"os"
	"runtime"
	"strings"
	"sync"
	"time"
)

var sink []byte

func ping(w http.ResponseWriter, r *http.Request) {
	fmt.Fprintln(w, "pong")
}

// work burns CPU in a few distinct functions so the CPU profile has stacks.
func work(n int) int {
	s := 0
	for i := 0; i < n; i++ {
		s += hash(i)
	}
	return s
}

func hash(i int) int {
	return (i * 2654435761) ^ (i >> 3)
}

func allocate() {
	b := make([]byte, 64<<10)
	sink = append(b[:0], strings.Repeat("x", 1024)...)
}

// statsClient is the article's thin statsd client: one UDP datagram per
// timing. Timing is small enough for the compiler to inline into the
// handler, which is what makes pingHandler.func1 -> (*statsClient).Timing an
// inlined chain in CPU profiles.
type statsClient struct {
	c  *net.UDPConn
	ra *net.UDPAddr
}

func (sc *statsClient) Timing(name string, d time.Duration) {
	sc.send(name, int64(d/time.Millisecond), "ms")
}

//go:noinline
func (sc *statsClient) send(name string, v int64, kind string) {
	sc.c.WriteToUDP([]byte(fmt.Sprintf("%s:%d|%s", name, v, kind)), sc.ra)
}

// newStatsClient sends to a UDP socket of its own on 127.0.0.1, drained by
// a goroutine, so datagrams never leave the host.
func newStatsClient() *statsClient {
	sink, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		log.Fatal(err)
	}
	go func() {
		buf := make([]byte, 2048)
		for {
			if _, _, err := sink.ReadFromUDP(buf); err != nil {
				return
			}
		}
	}()
	c, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		log.Fatal(err)
	}
	return &statsClient{c: c, ra: sink.LocalAddr().(*net.UDPAddr)}
}

func pingHandler(s *statsClient) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		st := time.Now()
		w.WriteHeader(200)
		s.Timing("http.ping", time.Since(st))
	}
}

// selfLoad runs n clients that call /ping-stats back to back.
func selfLoad(addr string, n int) {
	for i := 0; i < n; i++ {
		go func() {
			client := &http.Client{Timeout: 5 * time.Second}
			for {
				resp, err := client.Get("http://" + addr + "/ping-stats")
				if err != nil {
					time.Sleep(10 * time.Millisecond)
					continue
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
		}()
	}
}

// faults answers the way broken or misconfigured servers do.
func faults() {
	http.HandleFunc("/fault/500", func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "profiling backend exploded", http.StatusInternalServerError)
	})
	http.HandleFunc("/fault/empty", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/octet-stream")
		w.WriteHeader(200)
	})
	http.HandleFunc("/fault/hang", func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-time.After(60 * time.Second):
		}
	})
}

func busy(stop <-chan struct{}) {
	var mu sync.Mutex
	ch := make(chan int)
	for g := 0; g < 4; g++ {
		go func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				mu.Lock()
				work(20000)
				allocate()
				mu.Unlock()
				select {
				case ch <- 1:
				case <-time.After(time.Millisecond):
				}
			}
		}()
	}
	go func() {
		for {
			select {
			case <-stop:
				return
			case <-ch:
			}
		}
	}()
}

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "address to listen on (loopback only)")
	lifetime := flag.Duration("lifetime", 60*time.Second, "exit after this long")
	selfload := flag.Int("selfload", 0, "clients calling /ping-stats back to back")
	idle := flag.Bool("idle", false, "no busy work; block and mutex profiling off")
	writeTimeout := flag.Duration("write-timeout", 0, "the server's WriteTimeout (0: none)")
	flag.Parse()
	host, _, err := net.SplitHostPort(*addr)
	if err != nil || (host != "127.0.0.1" && host != "localhost") {
		log.Fatalf("go-ping binds loopback only, not %q", *addr)
	}
	if !*idle {
		runtime.SetBlockProfileRate(1)
		runtime.SetMutexProfileFraction(1)
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	http.HandleFunc("/ping", ping)
	http.HandleFunc("/ping-stats", pingHandler(newStatsClient()))
	faults()
	stop := make(chan struct{})
	if !*idle {
		busy(stop)
	}
	selfLoad(ln.Addr().String(), *selfload)
	time.AfterFunc(*lifetime, func() {
		fmt.Fprintln(os.Stderr, "go-ping: lifetime over, exiting")
		os.Exit(0)
	})
	fmt.Printf("listening on %s\n", ln.Addr())
	os.Stdout.Sync()
	srv := &http.Server{WriteTimeout: *writeTimeout}
	log.Fatal(srv.Serve(ln))
}

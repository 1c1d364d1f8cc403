# A throwaway PKI for the TLS tests, made by the openssl CLI in $T (never
# committed): CAs ca and ca2, and certificates gw, phone (of ca) and
# rogue (of ca2), all for IP:127.0.0.1. Source after lib.sh.
command -v openssl >/dev/null || fail "openssl is not installed"
mkcert() { # mkcert CA NAME [SAN]: NAME.key/NAME.pem signed by CA (CN
	# 127.0.0.1, subjectAltName SAN, IP:127.0.0.1 by default)
	printf 'subjectAltName=%s\n' "${3:-IP:127.0.0.1}" >"$T/$2.ext"
	openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
		-keyout "$T/$2.key" -out "$T/$2.csr" -subj /CN=127.0.0.1 \
		>/dev/null 2>&1 &&
	openssl x509 -req -in "$T/$2.csr" -CA "$T/$1.pem" -CAkey "$T/$1.key" \
		-CAcreateserial -out "$T/$2.pem" -days 1 \
		-extfile "$T/$2.ext" >/dev/null 2>&1 ||
		fail "cannot make certificate $2"
}
for ca in ca ca2; do
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 \
		-nodes -keyout "$T/$ca.key" -out "$T/$ca.pem" -days 1 \
		-subj "/CN=test $ca" >/dev/null 2>&1 || fail "cannot make $ca"
done
mkcert ca gw
mkcert ca phone
mkcert ca2 rogue

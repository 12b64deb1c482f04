package main

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// Verifier checks bearer tokens by the contract's rules (section 3), through a cache.
type Verifier struct {
	parser *jwt.Parser
	key    any
	cache  *TokenCache
}

// NewVerifier loads the HS256 secret or the RS256 public key named by the configuration.
func NewVerifier(cfg *Config) (*Verifier, error) {
	v := &Verifier{
		parser: jwt.NewParser(
			jwt.WithValidMethods([]string{cfg.JWTAlg}), // header alg must equal GW_JWT_ALG exactly
			jwt.WithIssuer(cfg.JWTIssuer),
			jwt.WithExpirationRequired(),
			jwt.WithLeeway(time.Second), // the contract allows at most 1 s
			jwt.WithStrictDecoding(),
		),
		cache: NewTokenCache(),
	}
	switch cfg.JWTAlg {
	case "HS256":
		v.key = []byte(cfg.JWTSecret)
	case "RS256":
		pem, err := os.ReadFile(cfg.JWTPublicKey)
		if err != nil {
			return nil, fmt.Errorf("GW_JWT_PUBLIC_KEY_FILE=%q: %w", cfg.JWTPublicKey, err)
		}
		if v.key, err = jwt.ParseRSAPublicKeyFromPEM(pem); err != nil {
			return nil, fmt.Errorf("GW_JWT_PUBLIC_KEY_FILE=%q: expected a PEM RSA public key: %w", cfg.JWTPublicKey, err)
		}
	}
	return v, nil
}

// bearerToken extracts the token of an "Authorization: Bearer <token>" header.
func bearerToken(header string) (string, bool) {
	const scheme = "bearer "
	if len(header) <= len(scheme) || !strings.EqualFold(header[:len(scheme)], scheme) {
		return "", false
	}
	token := strings.TrimSpace(header[len(scheme):])
	return token, token != ""
}

// Verify returns the token's sub when the Authorization header carries a valid token.
func (v *Verifier) Verify(header string) (string, bool) {
	token, ok := bearerToken(header)
	if !ok {
		return "", false
	}
	now := time.Now()
	if sub, valid, found := v.cache.Get(token, now); found {
		return sub, valid
	}
	claims := jwt.RegisteredClaims{}
	_, err := v.parser.ParseWithClaims(token, &claims, func(*jwt.Token) (any, error) { return v.key, nil })
	if err == nil && claims.Subject == "" {
		err = errors.New("sub missing")
	}
	if err != nil {
		until := now.Add(negativeTTL)
		if errors.Is(err, jwt.ErrTokenNotValidYet) && claims.NotBefore != nil && claims.NotBefore.Time.Before(until) {
			until = claims.NotBefore.Time // it becomes valid then: stop answering "invalid" from memory
		}
		v.cache.Put(token, cachedToken{expires: until})
		return "", false
	}
	v.cache.Put(token, cachedToken{sub: claims.Subject, expires: claims.ExpiresAt.Time, valid: true})
	return claims.Subject, true
}

package hopsworkstest

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"net/http"
	"strings"
	"sync"
)

// API key scopes of the backend (ApiScope.java). An endpoint lists the
// scopes it accepts; a key needs at least one of them.
const (
	ScopeProject       = "PROJECT"
	ScopeFeatureStore  = "FEATURESTORE"
	ScopeKafka         = "KAFKA"
	ScopeJob           = "JOB"
	ScopeDatasetView   = "DATASET_VIEW"
	ScopeDatasetCreate = "DATASET_CREATE"
	ScopeDatasetDelete = "DATASET_DELETE"
	ScopeServing       = "SERVING"
	ScopeModelRegistry = "MODELREGISTRY"
	ScopeUser          = "USER"
)

// authScheme starts the Authorization header of a request authenticated
// with an API key.
const authScheme = "ApiKey "

// allScopes returns the scopes a key created without scopes gets.
func allScopes() []string {
	return []string{ScopeProject, ScopeFeatureStore, ScopeKafka, ScopeJob, ScopeDatasetView,
		ScopeDatasetCreate, ScopeDatasetDelete, ScopeServing, ScopeModelRegistry, ScopeUser}
}

// keyPrefixLen is the length of a key's prefix, as the backend makes it.
const keyPrefixLen = 16

// apiKey is a stored key: the secret is kept only as a salted SHA-256
// hash, as the backend does.
type apiKey struct {
	username string
	scopes   map[string]bool
	salt     []byte
	hash     [sha256.Size]byte
}

// keyring holds the API keys, indexed by prefix. It is safe for concurrent
// use.
type keyring struct {
	mu   sync.Mutex
	keys map[string]*apiKey
}

// add creates a key for username with the given scopes and returns it as
// "<prefix>.<secret>".
func (k *keyring) add(username string, scopes []string) string {
	if len(scopes) == 0 {
		scopes = allScopes()
	}
	set := make(map[string]bool, len(scopes))
	for _, s := range scopes {
		set[strings.ToUpper(s)] = true
	}
	secret := rand.Text() + rand.Text()
	salt := []byte(rand.Text())
	key := &apiKey{username: username, scopes: set, salt: salt, hash: saltedHash(salt, secret)}
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.keys == nil {
		k.keys = make(map[string]*apiKey)
	}
	prefix := rand.Text()[:keyPrefixLen]
	for k.keys[prefix] != nil {
		prefix = rand.Text()[:keyPrefixLen]
	}
	k.keys[prefix] = key
	return prefix + "." + secret
}

// authenticate checks the Authorization header of r the way the backend's
// ApiKeyFilter does and returns the key's user and scopes.
func (k *keyring) authenticate(r *http.Request) (*apiKey, *apiError) {
	header, ok := r.Header["Authorization"]
	if !ok || len(header) == 0 {
		return nil, &apiError{code: errEJBAccessLocal, errorMsg: "Authorization header not set."}
	}
	value := header[0]
	if strings.HasPrefix(value, "Bearer") {
		return nil, &apiError{code: errEJBAccessLocal, errorMsg: "Authorization method not supported."}
	}
	if !strings.HasPrefix(value, authScheme) {
		return nil, &apiError{code: errEJBAccessLocal, errorMsg: "Invalidated Api key."}
	}
	parts := strings.Split(strings.TrimSpace(value[len(authScheme):]), ".")
	if len(parts) < 2 {
		return nil, &apiError{code: errKeyInvalid}
	}
	k.mu.Lock()
	key := k.keys[parts[0]]
	k.mu.Unlock()
	if key == nil {
		return nil, &apiError{code: errKeyNotFound}
	}
	sum := saltedHash(key.salt, parts[1])
	if subtle.ConstantTimeCompare(sum[:], key.hash[:]) != 1 {
		return nil, &apiError{code: errKeyInvalid}
	}
	return key, nil
}

// allows reports whether the key has one of the accepted scopes.
func (a *apiKey) allows(accepted []string) bool {
	for _, s := range accepted {
		if a.scopes[s] {
			return true
		}
	}
	return false
}

func saltedHash(salt []byte, secret string) [sha256.Size]byte {
	return sha256.Sum256(append(append([]byte(nil), secret...), salt...))
}

package gwbench.scg;

import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.nimbusds.jwt.JWTParser;
import reactor.core.publisher.Mono;

import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;

/**
 * Wraps a verifying decoder with a cache of verified tokens (each kept until its `exp`) and a
 * negative cache of tokens found invalid, so the benchmark's replayed token pool costs one
 * map lookup per request instead of an HMAC/RSA verification (the contract asks for both).
 */
public final class CachingJwtDecoder implements ReactiveJwtDecoder {

	/** How long a token found invalid is answered from the negative cache. */
	static final Duration NEGATIVE_TTL = Duration.ofSeconds(60);

	private final ReactiveJwtDecoder delegate;

	private final Cache<String, Jwt> valid;

	private final Cache<String, String> invalid;

	public CachingJwtDecoder(ReactiveJwtDecoder delegate, long maxEntries) {
		this.delegate = delegate;
		this.valid = Caffeine.newBuilder().maximumSize(maxEntries).expireAfter(new Expiry<String, Jwt>() {
			@Override
			public long expireAfterCreate(String key, Jwt jwt, long currentTime) {
				Instant exp = jwt.getExpiresAt();
				// exp is mandatory (validated); the guard only protects against a future change.
				return exp == null ? 0 : Math.max(0, Duration.between(Instant.now(), exp).toNanos());
			}

			@Override
			public long expireAfterUpdate(String key, Jwt jwt, long currentTime, long currentDuration) {
				return expireAfterCreate(key, jwt, currentTime);
			}

			@Override
			public long expireAfterRead(String key, Jwt jwt, long currentTime, long currentDuration) {
				return currentDuration;
			}
		}).build();
		this.invalid = Caffeine.newBuilder().maximumSize(maxEntries).expireAfter(new Expiry<String, String>() {
			@Override
			public long expireAfterCreate(String key, String reason, long currentTime) {
				return negativeTtl(key).toNanos();
			}

			@Override
			public long expireAfterUpdate(String key, String reason, long currentTime, long currentDuration) {
				return expireAfterCreate(key, reason, currentTime);
			}

			@Override
			public long expireAfterRead(String key, String reason, long currentTime, long currentDuration) {
				return currentDuration;
			}
		}).build();
	}

	@Override
	public Mono<Jwt> decode(String token) {
		Jwt jwt = valid.getIfPresent(token);
		if (jwt != null) {
			return Mono.just(jwt);
		}
		String reason = invalid.getIfPresent(token);
		if (reason != null) {
			// A new exception per request: one shared instance would collect suppressed
			// exceptions from every request it travels through.
			return Mono.error(new CachedRejection(reason));
		}
		return delegate.decode(token)
			.doOnNext(decoded -> valid.put(token, decoded))
			.doOnError(BadJwtException.class, e -> invalid.put(token, String.valueOf(e.getMessage())));
	}

	/** A rejection answered from the negative cache; no stack trace (it would only show the cache). */
	static final class CachedRejection extends BadJwtException {

		CachedRejection(String message) {
			super(message);
		}

		@Override
		public synchronized Throwable fillInStackTrace() {
			return this;
		}
	}

	/**
	 * A token rejected only because its `nbf` is still ahead becomes valid at `nbf`, so it is
	 * remembered as invalid no longer than that; anything else for NEGATIVE_TTL.
	 */
	static Duration negativeTtl(String token) {
		try {
			Date nbf = JWTParser.parse(token).getJWTClaimsSet().getNotBeforeTime();
			if (nbf != null) {
				Duration untilValid = Duration.between(Instant.now(), nbf.toInstant());
				if (!untilValid.isNegative() && untilValid.compareTo(NEGATIVE_TTL) < 0) {
					return untilValid;
				}
			}
		}
		catch (ParseException | RuntimeException e) {
			// Unparseable tokens never become valid.
		}
		return NEGATIVE_TTL;
	}
}

package gwbench.scg;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Objects;

import javax.crypto.spec.SecretKeySpec;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jose.jws.MacAlgorithm;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimNames;
import org.springframework.security.oauth2.jwt.JwtClaimValidator;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.NimbusReactiveJwtDecoder;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;

/** The JWT rules of contract section 3 as a Nimbus decoder, wrapped with the token caches. */
@Configuration(proxyBeanMethods = false)
public class JwtConfig {

	/** Upper bound of each token cache (the benchmark's token pool is far smaller). */
	static final long TOKEN_CACHE_ENTRIES = 100_000;

	@Bean
	ReactiveJwtDecoder jwtDecoder(GwSettings settings) throws Exception {
		NimbusReactiveJwtDecoder nimbus;
		if ("RS256".equals(settings.getJwtAlg())) {
			// The JWS algorithm is pinned: a token whose header says anything else is rejected.
			nimbus = NimbusReactiveJwtDecoder.withPublicKey(readSpki(Path.of(settings.getJwtPublicKeyFile())))
				.signatureAlgorithm(SignatureAlgorithm.RS256)
				.build();
		}
		else {
			SecretKeySpec key = new SecretKeySpec(settings.getJwtSecret().getBytes(StandardCharsets.UTF_8),
					"HmacSHA256");
			nimbus = NimbusReactiveJwtDecoder.withSecretKey(key).macAlgorithm(MacAlgorithm.HS256).build();
		}
		nimbus.setJwtValidator(validator(settings.getJwtIssuer()));
		return new CachingJwtDecoder(nimbus, TOKEN_CACHE_ENTRIES);
	}

	/** exp required and not past, nbf not in the future (1 s leeway), iss exact, sub non-empty. */
	static OAuth2TokenValidator<Jwt> validator(String issuer) {
		return new DelegatingOAuth2TokenValidator<>(List.of(
				// JwtTimestampValidator accepts a token without exp, so require it separately.
				new JwtClaimValidator<Object>(JwtClaimNames.EXP, Objects::nonNull),
				new JwtTimestampValidator(Duration.ofSeconds(1)), new JwtIssuerValidator(issuer),
				new JwtClaimValidator<Object>(JwtClaimNames.SUB, sub -> sub instanceof String s && !s.isEmpty())));
	}

	static RSAPublicKey readSpki(Path pem) throws Exception {
		String text = Files.readString(pem, StandardCharsets.US_ASCII)
			.replaceAll("-----(BEGIN|END) PUBLIC KEY-----", "")
			.replaceAll("\\s", "");
		return (RSAPublicKey) KeyFactory.getInstance("RSA")
			.generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(text)));
	}
}

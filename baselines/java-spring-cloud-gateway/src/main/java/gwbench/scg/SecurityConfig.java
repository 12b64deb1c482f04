package gwbench.scg;

import java.nio.charset.StandardCharsets;

import reactor.core.publisher.Mono;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.security.config.annotation.web.reactive.EnableWebFluxSecurity;
import org.springframework.security.config.observation.SecurityObservationSettings;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.ServerAuthenticationEntryPoint;
import org.springframework.security.web.server.context.NoOpServerSecurityContextRepository;
import org.springframework.security.web.server.savedrequest.NoOpServerRequestCache;
import org.springframework.security.web.server.util.matcher.OrServerWebExchangeMatcher;
import org.springframework.security.web.server.util.matcher.PathPatternParserServerWebExchangeMatcher;

/**
 * OAuth2 resource server on exactly the three authenticated routes; everything else (health,
 * metrics, unknown paths -> 404) bypasses the security chain.
 */
@Configuration(proxyBeanMethods = false)
@EnableWebFluxSecurity
public class SecurityConfig {

	private static final byte[] UNAUTHORIZED = "{\"error\":\"unauthorized\",\"message\":\"missing or invalid bearer token\"}"
		.getBytes(StandardCharsets.UTF_8);

	/** No per-request observations of the filter chain, authentication and authorization. */
	@Bean
	SecurityObservationSettings noSecurityObservations() {
		return SecurityObservationSettings.noObservations();
	}

	@Bean
	SecurityWebFilterChain apiSecurity(ServerHttpSecurity http, ReactiveJwtDecoder decoder) {
		// The request body (POST /api/interact) is drained before the 401 goes out (UnreadBody).
		ServerAuthenticationEntryPoint unauthorized = (exchange, e) -> UnreadBody.drain(exchange)
			.then(Mono.defer(() -> write401(exchange.getResponse())));
		return http
			.securityMatcher(new OrServerWebExchangeMatcher(
					new PathPatternParserServerWebExchangeMatcher("/api/feed", HttpMethod.GET),
					new PathPatternParserServerWebExchangeMatcher("/api/user/{uid}", HttpMethod.GET),
					new PathPatternParserServerWebExchangeMatcher("/api/interact", HttpMethod.POST)))
			.authorizeExchange(a -> a.anyExchange().authenticated())
			.oauth2ResourceServer(o -> o.jwt(j -> j.jwtDecoder(decoder)).authenticationEntryPoint(unauthorized))
			.exceptionHandling(e -> e.authenticationEntryPoint(unauthorized))
			// Stateless API: no CSRF, sessions, saved requests, login pages or response headers.
			.csrf(ServerHttpSecurity.CsrfSpec::disable)
			.httpBasic(ServerHttpSecurity.HttpBasicSpec::disable)
			.formLogin(ServerHttpSecurity.FormLoginSpec::disable)
			.logout(ServerHttpSecurity.LogoutSpec::disable)
			.anonymous(ServerHttpSecurity.AnonymousSpec::disable)
			.headers(ServerHttpSecurity.HeaderSpec::disable)
			.requestCache(c -> c.requestCache(NoOpServerRequestCache.getInstance()))
			.securityContextRepository(NoOpServerSecurityContextRepository.getInstance())
			.build();
	}

	/** The contract's 401: JSON body and exactly `Bearer error="invalid_token"`, whatever the cause. */
	static Mono<Void> write401(ServerHttpResponse response) {
		response.setStatusCode(HttpStatus.UNAUTHORIZED);
		response.getHeaders().setContentType(MediaType.APPLICATION_JSON);
		response.getHeaders().set("WWW-Authenticate", "Bearer error=\"invalid_token\"");
		response.getHeaders().setContentLength(UNAUTHORIZED.length);
		return response.writeWith(Mono.just(response.bufferFactory().wrap(UNAUTHORIZED)));
	}
}

package gwbench.scg;

import java.nio.charset.StandardCharsets;

import reactor.core.publisher.Mono;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;

/** Writes the contract's JSON error bodies: {"error":"<kind>","message":"..."}. */
public final class ErrorBodies {

	private ErrorBodies() {
	}

	/** Sets status + JSON content type and writes the error body. */
	public static Mono<Void> write(ServerHttpResponse response, HttpStatus status, String kind, String message) {
		response.setStatusCode(status);
		response.getHeaders().setContentType(MediaType.APPLICATION_JSON);
		byte[] bytes = ("{\"error\":\"" + kind + "\",\"message\":\"" + escape(message) + "\"}")
			.getBytes(StandardCharsets.UTF_8);
		response.getHeaders().setContentLength(bytes.length);
		DataBuffer buffer = response.bufferFactory().wrap(bytes);
		return response.writeWith(Mono.just(buffer));
	}

	/** Error kind of a status, as the contract names them. */
	public static String kind(int status) {
		return switch (status) {
			case 400 -> "bad_request";
			case 401 -> "unauthorized";
			case 404 -> "not_found";
			case 405 -> "not_found";
			case 413 -> "payload_too_large";
			case 431 -> "header_too_large";
			case 502 -> "bad_gateway";
			case 503 -> "circuit_open";
			case 504 -> "upstream_timeout";
			default -> "internal_error";
		};
	}

	private static String escape(String s) {
		if (s == null) {
			return "";
		}
		StringBuilder b = new StringBuilder(s.length());
		for (int i = 0; i < s.length(); i++) {
			char c = s.charAt(i);
			if (c == '"' || c == '\\') {
				b.append('\\').append(c);
			}
			else if (c < 0x20) {
				b.append(String.format("\\u%04x", (int) c));
			}
			else {
				b.append(c);
			}
		}
		return b.toString();
	}
}

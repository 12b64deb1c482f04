package gwbench.scg;

import org.springframework.http.HttpStatus;
import org.springframework.web.server.ResponseStatusException;

/**
 * A streamed request body went past GW_MAX_BODY_BYTES. The client's fault, so the breakers
 * ignore it (it must not count against the upstream service).
 */
public class BodyTooLargeException extends ResponseStatusException {

	public BodyTooLargeException(long limit) {
		super(HttpStatus.PAYLOAD_TOO_LARGE, "request body larger than " + limit + " bytes");
	}
}

package io.microservicestack.gateway;

import java.util.Set;

/**
 * A caller the gateway verified: the token's subject and the scopes it grants.
 *
 * @param subject the {@code sub} claim
 * @param scopes  from the {@code scope} claim (space-separated) or the {@code scp} claim (array or string)
 */
record Identity(String subject, Set<String> scopes) {

  Identity {
    scopes = Set.copyOf(scopes);
  }

  boolean has(String scope) {
    return scopes.contains(scope);
  }
}

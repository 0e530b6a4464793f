package dev.wxai.order.security;

import java.util.List;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

/** The two kinds of caller beside anyone: a signed-in WeChat user and an operator. */
final class Roles {

    static final String USER = "USER";
    static final String OPERATOR = "OPERATOR";

    static final List<GrantedAuthority> USER_AUTHORITIES = List.of(new SimpleGrantedAuthority("ROLE_" + USER));
    static final List<GrantedAuthority> OPERATOR_AUTHORITIES = List.of(new SimpleGrantedAuthority("ROLE_" + OPERATOR));

    private Roles() {
    }
}

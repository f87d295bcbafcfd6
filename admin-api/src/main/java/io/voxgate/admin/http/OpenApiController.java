package io.voxgate.admin.http;

import java.io.IOException;
import java.io.InputStream;

import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.swagger.v3.oas.annotations.OpenAPIDefinition;
import io.swagger.v3.oas.annotations.enums.SecuritySchemeType;
import io.swagger.v3.oas.annotations.info.Info;
import io.swagger.v3.oas.annotations.security.SecurityScheme;

/**
 * {@code GET /api/v1/openapi.yml}: the OpenAPI document, written from the controllers at compile
 * time by micronaut-openapi, so it cannot drift from the code. Open: it describes, it grants nothing.
 */
@OpenAPIDefinition(info = @Info(title = "Voxgate admin API", version = "1",
        description = "Tenants, users, phones and their audit, behind password + TOTP logins and role-based permissions."))
@SecurityScheme(name = "bearer", type = SecuritySchemeType.HTTP, scheme = "bearer", bearerFormat = "JWT")
@Controller("/api/v1/openapi.yml")
public class OpenApiController {

    static final String DOCUMENT = "META-INF/swagger/voxgate-admin-api-1.yml";

    /** Read once: a controller without @ExecuteOn runs on the event loop, which must not read files. */
    private final String document;

    public OpenApiController() throws IOException {
        try (InputStream in = OpenApiController.class.getClassLoader().getResourceAsStream(DOCUMENT)) {
            document = in == null ? null : new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    @Get(produces = "application/yaml")
    public MutableHttpResponse<?> document() {
        return document == null ? Problems.of(HttpStatus.NOT_FOUND, null, "Not found", "this build carries no OpenAPI document", null)
                : HttpResponse.ok(document);
    }
}

// Starts Swagger UI on /docs/api (kept in a file so the page needs no inline script under our CSP).
window.SwaggerUIBundle({ url: "/v1/openapi.json", dom_id: "#swagger-ui", deepLinking: true });

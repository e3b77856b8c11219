// Starts Swagger UI on /api/v1/docs (its files are served by Agora: agora/web/api_docs.py).
const node = document.getElementById("swagger-ui");
window.SwaggerUIBundle({ url: node.dataset.openapi, domNode: node, deepLinking: true });

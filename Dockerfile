# One image for every Rapport service; the command picks the service (python -m services.<name>).
FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml ./
COPY shared ./shared
COPY services ./services
RUN pip install --no-cache-dir .
USER nobody

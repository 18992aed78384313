# Deep Learning Lab for a class: one container, one Streamlit server.
# Build: docker build -t dl-lab .
# Run:   docker run -p 8501:8501 -e LAB_MAX_JOBS=4 -e LAB_MAX_EPOCHS=500 dl-lab
FROM python:3.11-slim

# curl for the health check; nothing else is needed at run time (the data sets ship in pip packages).
RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*

# The server runs as an unprivileged user; the app's folder stays root's, its data folder is the user's.
RUN useradd --create-home --uid 1000 lab
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
RUN mkdir -p /app/data && chown -R lab:lab /app/data
USER lab

# A hosted server: caps for every session, error details hidden from users; the run store in the user's folder
# (mount a volume on /app/data to keep runs across containers, or set LAB_DATABASE_URL).
ENV LAB_HOSTED=1 \
    LAB_DATA_DIR=/app/data \
    LAB_MAX_JOBS=2 \
    LAB_MAX_EPOCHS=500 \
    LAB_MAX_PARAMS=2000000 \
    STREAMLIT_CLIENT_SHOW_ERROR_DETAILS=none \
    TF_CPP_MIN_LOG_LEVEL=2

EXPOSE 8501
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s CMD curl --fail http://localhost:8501/_stcore/health || exit 1
ENTRYPOINT ["python", "-m", "lab.ui.serve", "run", "streamlit_app.py", "--server.port=8501", "--server.address=0.0.0.0", "--server.headless=true"]

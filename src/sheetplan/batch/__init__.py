"""Many plans at once: on this machine's processes (local) or a Dask cluster (dask), the
same build per plan (job), and the `sheetplan batch` command (cli)."""

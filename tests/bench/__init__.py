"""`make bench` (`python -m tests.bench`): where time and memory go, against two reference floors on the same PDFs.

For each corpus size (default 100, 1,000 and 5,000 pages) it reports
- end-to-end wall time of the real CLI (`govmap run`: Prefect flow, process pool, resolution,
  Parquet, validation, publishing), pointed at one Prefect server the bench starts first, whose
  start is reported apart (it is a one-off per machine, not per document);
- the same run as plain functions without Prefect (`python -m tests.bench.plain`): the same process
  pool, worker count, per-document functions and `publish_release`, in a fresh interpreter like the
  CLI.  It gives the stage times: parse and extract as worker-seconds (summed over documents, in
  the workers), resolve / write / validate / publish as wall seconds;
- Prefect overhead = CLI end-to-end minus the plain run's end-to-end: what the flow, its task
  runs, state reporting to the server and the CLI's own imports add to identical work;
- peak RSS of the whole process tree (CLI plus workers), of the CLI process and of the largest
  worker (any child process, Dask's included), sampled from /proc every 0.2 s;
- floor (a): pypdfium2 plain text of every page; floor (b): pdfplumber text + extract_tables of
  every page, each in one process; floor (b) is measured up to 1,000 pages and extrapolated
  beyond from the 1,000-page per-page rate (the corpora repeat the same seed pages);
- a least-squares fit of end-to-end seconds = a + b * pages over the sizes run.
Sizes up to 1,000 pages run the CLI and the plain comparison three times each, into empty
folders, and report the median run: a shared VM's speed drifts between runs of seconds.
Corpora concatenate the shared corpus PDFs and our sample PDFs into files of 50 pages, cached
under .bench/.  Results: .bench/results.md and .bench/results.json.
"""

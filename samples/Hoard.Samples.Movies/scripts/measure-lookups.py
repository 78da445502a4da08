#!/usr/bin/python3
"""Lookup times of the film page, first visit (database load + cache store) against second visit (cache hit).

Starts three `hoard server` nodes, a MariaDB loaded with ../shared/sakila, and the built sample in both modes
(generated SQLite catalogue, sakila on MariaDB), all on free loopback ports; visits films 1-500 twice each
after a warm-up and prints the medians and 90th percentiles of the page's own "lookup took" figure and of the
whole request as the client saw it. Needs a Release build (dotnet build Hoard.sln -c Release) and Debian's
mariadb-server. Every process it starts is killed at the end; its temporary directory is removed.

    /usr/bin/python3 samples/Hoard.Samples.Movies/scripts/measure-lookups.py
"""
import os, re, shutil, socket, statistics, subprocess, tempfile, time, urllib.request

root = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
hoard = f"{root}/src/Hoard.Cli/bin/Release/net10.0/hoard"
app = f"{root}/samples/Hoard.Samples.Movies/bin/Release/net10.0/Hoard.Samples.Movies"
sakila = os.path.abspath(os.path.join(root, "..", "shared", "sakila"))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port, seconds=60):
    end = time.time() + seconds
    while time.time() < end:
        try:
            socket.create_connection(("127.0.0.1", port), 0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise SystemExit(f"nothing listened on port {port} within {seconds} s")


def summary(values):
    ordered = sorted(values)
    return f"median {statistics.median(ordered):.2f} ms, p90 {ordered[int(len(ordered) * 0.9)]:.2f} ms"


def main():
    processes = []
    work = tempfile.mkdtemp(prefix="hoard-movies-measure-")
    try:
        ports = [free_port() for _ in range(3)]
        for port in ports:
            processes.append(subprocess.Popen([hoard, "server", "-U", "0", "-l", "127.0.0.1", "-p", str(port)],
                                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        for port in ports:
            wait_port(port)
        subprocess.run(["mariadb-install-db", "--no-defaults", "--user=root", f"--datadir={work}/mariadb",
                        "--auth-root-authentication-method=normal", "--skip-test-db"],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        db_port = free_port()
        processes.append(subprocess.Popen(["mariadbd", "--no-defaults", "--user=root", f"--datadir={work}/mariadb",
                                           f"--socket={work}/sock", f"--port={db_port}", "--bind-address=127.0.0.1",
                                           "--skip-grant-tables"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        wait_port(db_port)
        time.sleep(1)
        for name in ["mysql-sakila-schema.sql", "mysql-sakila-movies-data.sql"]:
            with open(os.path.join(sakila, name)) as sql:
                subprocess.run(["mariadb", "--no-defaults", "--protocol=TCP", "-h127.0.0.1", f"-P{db_port}", "-uroot"],
                               stdin=sql, check=True)
        servers = ",".join(f"127.0.0.1:{port}" for port in ports)
        for mode in ["sqlite", "mariadb"]:
            app_port = free_port()
            arguments = [app, f"--urls=http://127.0.0.1:{app_port}", f"--Hoard:Servers={servers}",
                         f"--Movies:DataDirectory={work}/{mode}", "--Logging:LogLevel:Default=Warning"]
            if mode == "mariadb":
                arguments.append(f"--Movies:MySql=Server=127.0.0.1;Port={db_port};User ID=root;Database=sakila")
            web = subprocess.Popen(arguments, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            processes.append(web)
            wait_port(app_port)

            def visit(path):
                started = time.perf_counter()
                html = urllib.request.urlopen(f"http://127.0.0.1:{app_port}{path}").read().decode()
                elapsed = (time.perf_counter() - started) * 1000
                source = re.search(r'data-source="(\w+)"', html).group(1)
                lookup = float(re.search(r'data-ms="([\d.]+)"', html).group(1))
                return source, lookup, elapsed

            for film in range(900, 1001):  # warm-up (JIT), outside the measured films
                visit(f"/films/{film}")
                visit(f"/films/{film}")
            first, second, first_request, second_request = [], [], [], []
            for film in range(1, 501):
                source, lookup, elapsed = visit(f"/films/{film}")
                assert source == "database", f"film {film}: first visit came from {source}"
                first.append(lookup)
                first_request.append(elapsed)
                source, lookup, elapsed = visit(f"/films/{film}")
                assert source == "cache", f"film {film}: second visit came from {source}"
                second.append(lookup)
                second_request.append(elapsed)
            print(f"{mode}: lookup, first visit (database + store): {summary(first)}; second visit (cache): {summary(second)}")
            print(f"{mode}: whole request at the client: first visit {summary(first_request)}; second visit {summary(second_request)}")
            web.terminate()
            web.wait()
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
                process.wait()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

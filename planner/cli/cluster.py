"""Which Dask scheduler addresses ``risk`` and ``robust`` accept (``--scheduler``, ``--insecure``).

A cluster run sends the whole project (a defense procurement plan) to the scheduler and its
workers and receives every sample's result back as pickles, which the client unpickles: whoever
runs or sits between them reads the plan, and a hostile scheduler can run code here. So:

* ``tls://HOST:PORT``: encrypted and authenticated with Dask's own security settings
  (``distributed.comm.tls.ca-file``, ``distributed.comm.tls.client.cert`` and ``.key`` in the
  Dask configuration, or the matching ``DASK_DISTRIBUTED__COMM__TLS__...`` environment variables);
  refused when those settings are missing (the connection would fail without saying why).
* ``tcp://HOST:PORT`` (or ``HOST:PORT``): plain text; accepted only for this machine (localhost,
  a loopback address, this machine's host name) unless the user says ``--insecure``.
* Anything else (``inproc://`` exists only inside one Python process, ``ucx://``, ``ws://``) is
  refused at once, instead of a 30-second wait and a traceback.

Nothing here connects anywhere: the checks read the address and the local configuration only.
"""

from __future__ import annotations

import argparse
import ipaddress
import socket

TLS_KEYS = ("distributed.comm.tls.ca-file", "distributed.comm.tls.client.cert")


def add_cluster_arguments(p: argparse.ArgumentParser, example: str = "tls://10.0.0.5:8786") -> None:
    p.add_argument("--scheduler", metavar="ADDRESS",
                   help=f"Dask scheduler, e.g. {example} (TLS with Dask's security settings; plain tcp:// "
                        "only on this machine unless --insecure; see docs/hardening.md)")
    p.add_argument("--insecure", action="store_true",
                   help="allow a plain-TCP scheduler on another machine: the project and the pickled "
                        "results then cross the network unencrypted and unauthenticated")


def _split(address: str) -> tuple[str, str]:
    scheme, sep, rest = address.partition("://")
    return (scheme.lower(), rest) if sep else ("tcp", address)


def _host(rest: str) -> str:
    if rest.startswith("["):  # [::1]:8786
        return rest[1:rest.find("]")] if "]" in rest else rest
    return rest.rsplit(":", 1)[0] if ":" in rest else rest


def is_this_machine(host: str) -> bool:
    """localhost, a loopback address, or this machine's own host name (no DNS lookup)."""
    h = host.strip().lower().rstrip(".")
    if h in ("localhost", "localhost.localdomain"):
        return True
    try:
        return ipaddress.ip_address(h).is_loopback
    except ValueError:
        pass
    names = {socket.gethostname().lower()}
    try:
        names.add(socket.getfqdn().lower())
    except OSError:
        pass
    return h in names


def scheduler_problem(address: str, insecure: bool = False) -> str | None:
    """Why ``--scheduler ADDRESS`` is refused, or None (module docstring rules)."""
    import dask.config

    if not address.strip():
        return "--scheduler: no address given"
    scheme, rest = _split(address.strip())
    host = _host(rest)
    if scheme not in ("tcp", "tls"):
        why = " (inproc:// exists only inside one Python process)" if scheme == "inproc" else ""
        return f"--scheduler {address}: unsupported address{why}; use tls://HOST:PORT (or tcp:// on this machine)"
    if not host:
        return f"--scheduler {address}: no host in the address; use tls://HOST:PORT"
    if scheme == "tls":
        missing = [k for k in TLS_KEYS if not dask.config.get(k, None)]
        if missing:
            return (f"--scheduler {address}: tls:// needs Dask's TLS settings, and {', '.join(missing)} "
                    "is not set (Dask configuration file or DASK_DISTRIBUTED__COMM__TLS__... environment "
                    "variables; see docs/hardening.md)")
        return None
    if not is_this_machine(host) and not insecure:
        return (f"--scheduler {address}: plain tcp:// to another machine would send the whole project and "
                "receive pickled results unencrypted; use tls:// with Dask's security settings, or say "
                "--insecure if this network is trusted")
    return None


def insecure_warning(address: str, insecure: bool) -> str | None:
    """The warning printed when ``--insecure`` actually lets a plain-TCP remote address through."""
    scheme, rest = _split(address.strip())
    if insecure and scheme == "tcp" and not is_this_machine(_host(rest)):
        return (f"mine2magnet: warning: --insecure: the project and the pickled results go to {address} "
                "unencrypted; use only a scheduler you trust")
    return None

"""moto's DynamoDB/S3-compatible server, answering one request at a time.

Usage: <moto venv>/bin/python scripts/moto_serial.py -H 127.0.0.1 -p PORT

Why: moto 5.2.5 rolls a failed TransactWriteItems back by restoring a snapshot of the whole
table taken when the transaction started, so under its threaded server a transaction that loses
a version race can erase the one that won (measured: a concurrent-actions test lost the winning
write). DynamoDB never does that. Served one request at a time (werkzeug then speaks HTTP/1.0
and closes each connection), every moto transaction is atomic, as DynamoDB's are, and the tests
of optimistic locking test our code, not moto's race.
"""

import argparse

from moto.moto_server.werkzeug_app import (
    DomainDispatcherApplication,
    MotoRequestHandler,
    create_backend_app,
)
from werkzeug.serving import run_simple


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("-H", "--host", default="127.0.0.1")
    parser.add_argument("-p", "--port", type=int, required=True)
    args = parser.parse_args()
    app = DomainDispatcherApplication(create_backend_app)
    run_simple(
        args.host,
        args.port,
        app,
        threaded=False,
        request_handler=MotoRequestHandler,
    )


if __name__ == "__main__":
    main()

# A real SMTP server for Lapor's tests (python3-aiosmtpd). Usage: python3 smtp_server.py DIR
#
# Listens on 127.0.0.1 on a port the kernel picks and prints that port as its first line, so
# there is no race between choosing a free port and binding it. Each message is stored as
# DIR/NNNNNN.eml, the bytes exactly as received, beside DIR/NNNNNN.envelope: the sender and
# then each recipient, one a line. Both are written under another name and renamed, the
# envelope first, so a reader that sees an .eml sees it whole and can read its envelope.
# Recipients whose local part starts with "reject" get 550 and those starting with "defer" get
# 451, to test how the client sorts failures. Exits when its standard input closes, so a test
# process that dies without cleaning up does not leave a server behind.
import asyncio
import os
import sys
import threading

from aiosmtpd.smtp import SMTP


class Store:
    def __init__(self, directory):
        self.directory = directory
        self.count = 0

    def write(self, name, data):
        tmp = os.path.join(self.directory, "." + name + ".tmp")
        with open(tmp, "wb") as f:
            f.write(data)
        os.rename(tmp, os.path.join(self.directory, name))

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        local = address.split("@")[0].lower()
        if local.startswith("reject"):
            return "550 5.1.1 <%s>: Recipient address rejected: no such user" % address
        if local.startswith("defer"):
            return "451 4.3.0 <%s>: Temporary failure, try again later" % address
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        stem = "%06d" % self.count
        lines = [envelope.mail_from] + envelope.rcpt_tos
        self.write(stem + ".envelope", "\n".join(lines).encode("utf-8", "surrogateescape"))
        self.write(stem + ".eml", envelope.original_content)
        return "250 Message accepted for delivery"


def exit_when_parent_goes():
    sys.stdin.buffer.read()
    os._exit(0)


async def main(directory):
    loop = asyncio.get_running_loop()
    store = Store(directory)
    server = await loop.create_server(
        lambda: SMTP(store, hostname="lapor-test-smtp", enable_SMTPUTF8=True),
        host="127.0.0.1",
        port=0,
    )
    print(server.sockets[0].getsockname()[1], flush=True)
    threading.Thread(target=exit_when_parent_goes, daemon=True).start()
    async with server:
        await server.serve_forever()


asyncio.run(main(sys.argv[1]))

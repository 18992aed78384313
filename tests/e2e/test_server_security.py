"""The running server refuses what a crafted request would try: uploads without the XSRF token."""

import urllib.error
import urllib.request

import pytest

CSV_BODY = (
    b'--X\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n'
    b"Content-Type: text/csv\r\n\r\na,b\n1,2\n\r\n--X--\r\n"
)


def test_an_upload_without_the_xsrf_token_is_refused(lab_server):
    request = urllib.request.Request(
        f"{lab_server.base_url}/_stcore/upload_file/some-session/some-file",
        data=CSV_BODY,
        method="PUT",
        headers={"Content-Type": "multipart/form-data; boundary=X"},
    )
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=10)
    assert refused.value.code == 403

def test_timeline_lists_mira_murati(client, demo_data):
    response = client.get("/")
    assert response.status_code == 200
    assert "Mira Murati" in response.content.decode()

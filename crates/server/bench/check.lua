-- wrk -t2 -c32 -d20s -s check.lua http://127.0.0.1:8080  (TOKEN=cpk_… in the environment)
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("TOKEN")
wrk.body = [[{"date":"2024-03-01","ship_from":"US","destination":"CN","end_uses":["datacenter"],
 "item":{"catalog":"nvidia-h100-sxm","origin":"TW","us_content_pct":0,"direct_product_of_us_technology":true},
 "parties":{"end_user":{"name":"Example Cloud","country":"CN","headquarters":"CN","parent_headquarters":"CN","lists":[]}},
 "exporter":{"us_person":true,"headquarters":"US"}}]]
wrk.path = "/v1/check"

done = function(summary, latency, requests)
  io.write(string.format("requests %d, errors(status) %d, connect %d, read %d, write %d, timeout %d\n",
    summary.requests, summary.errors.status, summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.timeout))
  io.write(string.format("p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms\n",
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
